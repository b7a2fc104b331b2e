/**
 * Two independent relying-party libraries against the local tenant over real HTTPS, each trusting
 * the tenant's generated CA the way its ecosystem does: a Go app (github.com/coreos/go-oidc/v3 and
 * golang.org/x/oauth2, built from go-relying-party/ with `go build`) and openid-client (Node, a
 * certified RP library). Both do discovery, the code flow with PKCE through the login page, the
 * code exchange, ID token verification (signature, iss, aud, nonce, auth_time with max_age),
 * /userinfo and refresh with rotation; then the refusals an app depends on: wrong verifier, reused
 * code, unregistered redirect_uri, wrong secret (401 + WWW-Authenticate), tampered state (caught
 * by the app), PKCE downgrade, and max_age=0 forcing a new login over a live session.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { ClientRegistry } from "../../src/local-tenant/oidc/clients";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { tempDir } from "../support/local-tenant";

const CALLBACK = "https://app.example.com/callback";
const UNREGISTERED = "https://attacker.example.net/callback";
const CLIENT_ID = "rp-basic";
const SCOPE = "openid profile email offline_access";
const SEED_SUB = "auth0|5f7c8ec7c33c6c004bbafe82";
const GO_SOURCE = join(__dirname, "go-relying-party");

type Results = Record<string, Record<string, any>>;
let tenant: LocalTenant;
let goBinary: string;

beforeAll(async () => {
  const clients = ClientRegistry.of([
    { client_id: CLIENT_ID, name: "RP (client_secret_basic)", token_endpoint_auth_method: "client_secret_basic", callbacks: [CALLBACK] },
  ]);
  tenant = await startLocalTenant({ stateDir: tempDir("oidc-rps-tenant"), port: 0, clients });
  goBinary = join(tempDir("oidc-rps-go"), "relying-party");
  // go.mod and go.sum pin the libraries; -mod=mod lets a fresh module cache fetch them from the proxy.
  await run("go", ["build", "-o", goBinary, "."], {
    cwd: GO_SOURCE,
    env: { ...process.env, GOFLAGS: "-mod=mod -buildvcs=false" },
    timeout: 600_000,
  });
}, 700_000);
afterAll(async () => {
  await tenant?.close();
});

function run(file: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv; timeout: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...options, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && !stdout.trim()) reject(new Error(`${file} ${args.join(" ")} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

function rpConfig() {
  return {
    issuer: `${tenant.url}/`,
    client_id: CLIENT_ID,
    client_secret: tenant.clients.get(CLIENT_ID)?.client_secret,
    auth: "basic",
    redirect_uri: CALLBACK,
    unregistered_redirect_uri: UNREGISTERED,
    user: "kazuyuki",
    scope: SCOPE,
  };
}

function lastJsonLine(stdout: string): Results {
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Results;
}

async function goRelyingParty(): Promise<Results> {
  // Only what the app needs: its configuration (with the CA file to trust); nothing of this process's environment.
  const env = { PATH: process.env.PATH ?? "", RP_CONFIG: JSON.stringify({ ...rpConfig(), ca_file: tenant.caFile }) };
  return lastJsonLine(await run(goBinary, [], { env, timeout: 120_000 }));
}

async function openidClient(): Promise<Results> {
  const env = {
    PATH: process.env.PATH ?? "",
    NODE_EXTRA_CA_CERTS: tenant.caFile,
    RP_CONFIG: JSON.stringify({ ...rpConfig(), scenarios: true }),
  };
  return lastJsonLine(await run(process.execPath, [join(__dirname, "relying-party.mjs")], { env, timeout: 120_000 }));
}

describe.each([
  ["Go (go-oidc + x/oauth2)", goRelyingParty],
  ["openid-client", openidClient],
])("%s", (_name, relyingParty) => {
  let results: Results;
  beforeAll(async () => {
    results = await relyingParty();
  }, 200_000);

  it("logs in with PKCE and max_age, verifies the ID token (auth_time included), reads /userinfo", () => {
    expect(results.fatal).toBeUndefined();
    expect(results.login).toMatchObject({ ok: true, sub: SEED_SUB, scope: SCOPE });
    expect(typeof results.login.auth_time).toBe("number");
  });

  it("refreshes with rotation; the spent token is refused, and its replay revoked the successor too", () => {
    const refresh = results.login.refresh as Record<string, any>;
    expect(refresh.rotated).toBe(true);
    expect(refresh.replay).toMatchObject({ error: "invalid_grant" });
    expect(refresh.successor_after_replay).toMatchObject({ error: "invalid_grant" });
  });

  it("max_age=0 shows the login page although the session would sign in silently, and auth_time is the new login's", () => {
    expect(results.max_age_0).toEqual({
      ok: true,
      sso_showed_login_page: false,
      max_age_0_showed_login_page: true,
      auth_time_not_before_relogin: true,
    });
  });

  it.each(["wrong_verifier", "reused_code", "pkce_downgrade"])("%s: the token endpoint answers 403 invalid_grant", (scenario) => {
    expect(results[scenario]).toMatchObject({ ok: true, error: "invalid_grant" });
    // Status as the library saw it: go's RetrieveError and openid-client's ResponseBodyError both carry it.
    expect(results[scenario].status).toBe(403);
  });

  it("an unregistered redirect_uri gets the error page, never a redirect", () => {
    expect(results.unregistered_redirect_uri).toEqual({ ok: true, status: 400, error_page: true });
  });

  it("a wrong client secret sent with HTTP Basic: 401 with a Basic WWW-Authenticate challenge", () => {
    expect(results.wrong_secret).toMatchObject({ ok: true, status: 401 });
    expect(results.wrong_secret.www_authenticate).toMatch(/^Basic realm="localhost:\d+"/);
  });

  it("a tampered state is caught by the application before any token request", () => {
    expect(results.tampered_state).toMatchObject({ ok: true, detected: true });
    // openid-client names what it rejected; the Go app only reports its own state check succeeding.
    if (results.tampered_state.message !== undefined) expect(String(results.tampered_state.cause)).toMatch(/"state"/);
  });
});
