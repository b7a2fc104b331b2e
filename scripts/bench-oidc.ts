/**
 * `npm run bench:oidc`: how long the local tenant's OIDC login takes on this machine, with the
 * repository's claims Action deployed (through the model: this measures the login, not Terraform).
 *   1. a full authorization code flow with PKCE over HTTPS: /authorize, the login page's POST (the
 *      post-login flow runs here), the code exchange (RS256 signing), /userinfo;
 *   2. the same with a live session (prompt=none: no login page);
 *   3. Chromium (playwright-core, /usr/bin/chromium): launch, /authorize, click the user, land on the callback.
 * Prints a Markdown table on stdout. Not a test: numbers depend on the machine.
 *   --logins <n>   flows measured (default 200)     --browser-runs <n>   Chromium runs (default 3)
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import { request as httpsRequest } from "node:https";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { launchHeadlessChromium } from "../src/local-run/headless-chromium";
import { bundlePostLoginHandler } from "../src/bundle/bundle-action";
import { agentFor } from "../src/local-run/client";
import { ClientRegistry } from "../src/local-tenant/oidc/clients";
import { startLocalTenant, type LocalTenant } from "../src/local-tenant/server";
import { errorReport } from "../src/errors";

const CLAIMS_CONFIG = JSON.stringify({ namespace: "", id_token: ["usertype", "coops", "coopnames"], access_token: [] });
const progress = (line: string) => process.stderr.write(`bench:oidc: ${line}\n`);

interface Answer {
  status: number;
  location?: URL;
  cookie?: string;
  text: string;
}

function send(
  tenant: LocalTenant,
  path: string,
  options: { form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const payload = options.form ? new URLSearchParams(options.form).toString() : undefined;
  const url = `${tenant.url}${path}`;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: payload === undefined ? "GET" : "POST",
        agent: agentFor(tenant.caPem),
        headers: { ...(payload !== undefined ? { "content-type": "application/x-www-form-urlencoded" } : {}), ...options.headers },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            text,
            ...(res.headers.location ? { location: new URL(res.headers.location, url) } : {}),
            ...(res.headers["set-cookie"] ? { cookie: String(res.headers["set-cookie"]).split(";")[0] } : {}),
          }),
        );
      },
    );
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

async function codeFlow(tenant: LocalTenant, callback: string, secret: string, cookie?: string): Promise<string | undefined> {
  const verifier = randomBytes(32).toString("base64url");
  const query = new URLSearchParams({
    client_id: "bench",
    redirect_uri: callback,
    response_type: "code",
    scope: "openid profile email",
    state: randomBytes(8).toString("hex"),
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    ...(cookie ? { prompt: "none" } : {}),
  });
  let answer = await send(tenant, `/authorize?${query.toString()}`, cookie ? { headers: { cookie } } : {});
  let session = cookie;
  if (answer.location?.pathname === "/u/login") {
    answer = await send(tenant, "/u/login", { form: { state: answer.location.searchParams.get("state") ?? "", username: "kazuyuki" } });
    session = answer.cookie;
  }
  const code = answer.location?.searchParams.get("code");
  if (!code) throw new Error(`no code: ${answer.status} ${answer.location?.href ?? answer.text}`);
  const token = await send(tenant, "/oauth/token", {
    form: {
      grant_type: "authorization_code",
      client_id: "bench",
      client_secret: secret,
      code,
      redirect_uri: callback,
      code_verifier: verifier,
    },
  });
  if (token.status !== 200) throw new Error(`token: ${token.status} ${token.text}`);
  const { access_token: accessToken } = JSON.parse(token.text) as { access_token: string };
  const info = await send(tenant, "/userinfo", { headers: { authorization: `Bearer ${accessToken}` } });
  if (!(JSON.parse(info.text) as Record<string, unknown>)["/coops"]) throw new Error(`no claims in /userinfo: ${info.text}`);
  return session;
}

function percentiles(samples: number[]): { p50: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length * 0.5)], p95: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] };
}

/** Code flows over HTTP: with the login page, then from the session it left (prompt=none). */
async function codeFlowRows(tenant: LocalTenant, callback: string, secret: string, count: number): Promise<Array<[string, string]>> {
  for (let i = 0; i < 10; i++) await codeFlow(tenant, callback, secret); // warm-up: JIT, TLS sessions
  progress(`${count} code flows with the login page`);
  const full: number[] = [];
  let cookie: string | undefined;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    cookie = await codeFlow(tenant, callback, secret);
    full.push(performance.now() - started);
  }
  progress(`${count} code flows from a session`);
  const sso: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await codeFlow(tenant, callback, secret, cookie);
    sso.push(performance.now() - started);
  }
  const f = percentiles(full);
  const s = percentiles(sso);
  return [
    [
      `code flow + PKCE: /authorize, login page POST (post-login flow), token exchange, /userinfo; median / p95 of ${count}`,
      `${f.p50.toFixed(1)} / ${f.p95.toFixed(1)} ms`,
    ],
    [`the same from a session (prompt=none, no login page); median / p95 of ${count}`, `${s.p50.toFixed(1)} / ${s.p95.toFixed(1)} ms`],
  ];
}

/** A login in headless Chromium, launch included. */
async function browserRow(tenant: LocalTenant, callback: string, browserRuns: number): Promise<[string, string]> {
  progress(`Chromium x${browserRuns}`);
  const browser: number[] = [];
  for (let i = 0; i < browserRuns; i++) {
    const started = performance.now();
    const context = await launchHeadlessChromium(mkdtempSync(join(tmpdir(), "bench-oidc-chromium-")));
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const query = new URLSearchParams({
        client_id: "bench",
        redirect_uri: callback,
        response_type: "code",
        scope: "openid",
        state: "s",
      });
      await page.goto(`${tenant.url}/authorize?${query.toString()}`);
      await page.getByRole("button", { name: /Kazuyuki/ }).click();
      await page.waitForURL((url) => url.href.startsWith(callback));
    } finally {
      await context.close();
    }
    browser.push(performance.now() - started);
  }
  return [
    `Chromium: launch, /authorize, click the user, callback reached; median of ${browserRuns}`,
    `${(percentiles(browser).p50 / 1000).toFixed(2)} s`,
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { logins: { type: "string", default: "200" }, "browser-runs": { type: "string", default: "3" } },
    strict: true,
  });
  const count = Number(values.logins);
  const browserRuns = Number(values["browser-runs"]);
  const callbackServer = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<title>ok</title>signed in"));
  await new Promise<void>((resolve) => callbackServer.listen(0, "127.0.0.1", resolve));
  const address = callbackServer.address();
  const callback = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/callback`;
  const tenant = await startLocalTenant({
    stateDir: mkdtempSync(join(tmpdir(), "bench-oidc-")),
    port: 0,
    clients: ClientRegistry.of([
      { client_id: "bench", name: "Bench", token_endpoint_auth_method: "client_secret_post", callbacks: [callback] },
    ]),
  });
  const rows: Array<[string, string]> = [];
  try {
    const action = tenant.model.createAction({
      name: "Add metadata to user profile",
      supported_triggers: [{ id: "post-login", version: "v3" }],
      code: bundlePostLoginHandler("add-metadata-claims").code,
      secrets: [{ name: "CLAIMS_CONFIG", value: CLAIMS_CONFIG }],
    });
    tenant.model.deployAction(action.id);
    tenant.model.replaceBindings("post-login", [{ ref: { type: "action_id", value: action.id } }]);
    const secret = tenant.clients.get("bench")?.client_secret ?? "";
    rows.push(...(await codeFlowRows(tenant, callback, secret, count)));
    rows.push(await browserRow(tenant, callback, browserRuns));
  } finally {
    await tenant.close();
    callbackServer.close();
  }
  const cpu = cpus();
  process.stdout.write(
    `Measured on ${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.\n\n`,
  );
  process.stdout.write("| What | Time |\n|---|---|\n");
  for (const [what, time] of rows) process.stdout.write(`| ${what} | ${time} |\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:oidc: ${errorReport(error)}\n`);
  process.exit(1);
});
