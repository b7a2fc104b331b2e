/**
 * OIDC login end to end: the real Terraform and auth0/auth0 provider deploy the stack to the local
 * tenant, then (a) openid-client, a certified relying-party library, logs in through discovery,
 * /authorize with PKCE, the code exchange and /userinfo, with each client authentication method;
 * (b) Debian's Chromium, driven by playwright-core, opens /authorize, clicks a user on the login
 * page and lands on a callback server that exchanges the code. Both see the claims the deployed
 * claims Action set from the seed user's app_metadata.
 */
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { CHROMIUM, launchHeadlessChromium } from "../../src/local-run/headless-chromium";
import { verifyIdToken } from "../../src/local-run/client";
import { ClientRegistry } from "../../src/local-tenant/oidc/clients";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { runnerFor, synthInto, tempDir, tenantFor } from "../support/local-tenant";
import { formRequest } from "../support/oidc";

// The seed user's app_metadata (fixtures/users/kazuyuki.json), copied by the claims Action of tenants/*.yaml.
const SEED_CLAIMS = { "/usertype": "member", "/coops": ["coop-north", "coop-south"], "/coopnames": ["Coop North", "Coop South"] };
const SEED_SUB = "auth0|5f7c8ec7c33c6c004bbafe82";

let tenant: LocalTenant;
let callbackServer: Server;
let callbackUrl: string;
/** What the callback server expects and what it saw; one browser login at a time. */
let pending: { state: string; nonce: string; verifier: string } | undefined;
let received: { claims?: Record<string, unknown>; userinfo?: unknown; error?: string } = {};

beforeAll(async () => {
  callbackServer = createServer((req, res) => void handleCallback(req.url ?? "/", res));
  await new Promise<void>((resolve) => callbackServer.listen(0, "127.0.0.1", resolve));
  const address = callbackServer.address();
  callbackUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/callback`;

  const clients = ClientRegistry.of([
    { client_id: "rp-post", name: "RP (client_secret_post)", token_endpoint_auth_method: "client_secret_post", callbacks: [callbackUrl] },
    {
      client_id: "rp-basic",
      name: "RP (client_secret_basic)",
      token_endpoint_auth_method: "client_secret_basic",
      callbacks: [callbackUrl],
    },
    { client_id: "rp-spa", name: "RP (public, PKCE)", app_type: "spa", token_endpoint_auth_method: "none", callbacks: [callbackUrl] },
  ]);
  tenant = await startLocalTenant({ stateDir: tempDir("oidc-e2e-tenant"), port: 0, clients });
  const [stackDir] = synthInto(tempDir("oidc-e2e-stack"), [tenantFor("oidc", tenant.domain, "authoritative")]);
  const terraform = runnerFor(stackDir, tenant);
  await terraform.init();
  await terraform.apply();
});
afterAll(async () => {
  await tenant?.close();
  await new Promise((resolve) => callbackServer?.close(resolve));
});

function relyingParty(clientId: string, auth: "post" | "basic" | "none"): Promise<Record<string, any>> {
  const rpConfig = {
    issuer: `${tenant.url}/`,
    client_id: clientId,
    client_secret: tenant.clients.get(clientId)?.client_secret,
    auth,
    redirect_uri: callbackUrl,
    user: "kazuyuki",
    scope: "openid profile email",
  };
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(__dirname, "relying-party.mjs")],
      // Only what the app needs: the CA to trust, the configuration, and nothing of this process's environment.
      { env: { PATH: process.env.PATH ?? "", NODE_EXTRA_CA_CERTS: tenant.caFile, RP_CONFIG: JSON.stringify(rpConfig) }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const line = stdout.trim().split("\n").at(-1) ?? "";
        try {
          resolve(JSON.parse(line));
        } catch {
          reject(new Error(`relying party failed: ${error?.message ?? ""}\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

it("the deployed stack is what the logins run: one Action, deployed and bound to post-login", () => {
  const [action] = tenant.model.listActions();
  expect(tenant.model.getBindings("post-login").map((b) => b.action_id)).toEqual([action.id]);
  expect(tenant.model.deployedVersion(action)?.number).toBe(1);
});

it.each([
  ["rp-post", "post"],
  ["rp-basic", "basic"],
  ["rp-spa", "none"],
] as const)(
  "openid-client (%s, client auth %s) logs in with PKCE, validates the ID token and reads /userinfo with the Action's claims",
  async (clientId, auth) => {
    const result = await relyingParty(clientId, auth);
    expect(result.error).toBeUndefined();
    expect(result.token_type).toBe("bearer");
    expect(result.scope).toBe("openid profile email");
    expect(result.claims).toMatchObject({
      ...SEED_CLAIMS,
      iss: `${tenant.url}/`,
      aud: clientId,
      sub: SEED_SUB,
      email: "kazuyuki@example.com",
    });
    expect(typeof result.claims.nonce).toBe("string");
    expect(result.userinfo).toMatchObject({ ...SEED_CLAIMS, sub: SEED_SUB, name: "Kazuyuki", email_verified: true });
  },
);

it("Chromium logs in by clicking a user on the login page; the callback exchanges the code and gets the claims; the session then signs in without the page", async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`);
  const context = await launchHeadlessChromium(tempDir("oidc-e2e-chromium"));
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(authorizeUrl("rp-basic"));
    expect(new URL(page.url()).pathname).toBe("/u/login");
    await page.getByRole("button", { name: /Kazuyuki/ }).click();
    await page.waitForURL((url) => url.href.startsWith(callbackUrl));
    const shown = JSON.parse((await page.locator("#claims").textContent()) ?? "{}");
    expect(received.error).toBeUndefined();
    expect(shown).toMatchObject(SEED_CLAIMS);
    expect(received.claims).toMatchObject({ ...SEED_CLAIMS, sub: SEED_SUB, aud: "rp-basic" });
    expect(received.userinfo).toMatchObject(SEED_CLAIMS);

    // Single sign-on: the tenant's session cookie lets prompt=none through, and the Action runs again.
    received = {};
    await page.goto(authorizeUrl("rp-basic", { prompt: "none" }));
    await page.waitForURL((url) => url.href.startsWith(callbackUrl));
    expect(received.error).toBeUndefined();
    expect(received.claims).toMatchObject(SEED_CLAIMS);
  } finally {
    await context.close();
  }
});

function authorizeUrl(clientId: string, extra: Record<string, string> = {}): string {
  const verifier = randomBytes(32).toString("base64url");
  pending = { state: randomBytes(16).toString("base64url"), nonce: randomBytes(16).toString("base64url"), verifier };
  const query = new URLSearchParams({
    client_id: clientId,
    redirect_uri: callbackUrl,
    response_type: "code",
    scope: "openid profile email",
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    ...extra,
  });
  return `${tenant.url}/authorize?${query.toString()}`;
}

/** The application's callback: checks state, exchanges the code (client_secret_basic + PKCE), verifies the ID token, asks /userinfo. */
async function handleCallback(path: string, res: import("node:http").ServerResponse): Promise<void> {
  const url = new URL(path, callbackUrl);
  // The browser also asks for /favicon.ico: not part of the login.
  if (url.pathname !== "/callback") {
    res.writeHead(404).end();
    return;
  }
  try {
    if (!pending || url.searchParams.get("state") !== pending.state) throw new Error(`state mismatch: ${url.search}`);
    const code = url.searchParams.get("code");
    if (!code) throw new Error(`no code: ${url.search}`);
    const secret = tenant.clients.get("rp-basic")?.client_secret ?? "";
    const token = await formRequest(`${tenant.url}/oauth/token`, {
      ca: tenant.caPem,
      form: { grant_type: "authorization_code", code, redirect_uri: callbackUrl, code_verifier: pending.verifier },
      headers: { authorization: `Basic ${Buffer.from(`rp-basic:${encodeURIComponent(secret)}`).toString("base64")}` },
    });
    if (token.status !== 200) throw new Error(`token endpoint answered ${token.status}: ${token.text}`);
    const body = JSON.parse(token.text) as { id_token: string; access_token: string };
    const claims = await verifyIdToken(tenant.url, body.id_token, { ca: tenant.caPem, audience: "rp-basic" });
    if (claims.nonce !== pending.nonce) throw new Error("nonce mismatch");
    const info = await formRequest(`${tenant.url}/userinfo`, {
      ca: tenant.caPem,
      method: "GET",
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    received = { claims, userinfo: JSON.parse(info.text) };
    res
      .writeHead(200, { "content-type": "text/html; charset=utf-8" })
      .end(`<!doctype html><title>Signed in</title><pre id="claims">${escape(JSON.stringify(claims))}</pre>`);
  } catch (error) {
    received = { error: (error as Error).message };
    res.writeHead(400, { "content-type": "text/plain" }).end((error as Error).message);
  } finally {
    pending = undefined;
  }
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
}
