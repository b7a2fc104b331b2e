/**
 * The OIDC endpoints over HTTPS, without Terraform: discovery, /authorize's error page vs redirect,
 * response modes, missing state, prompt, the login page, Actions denying or reading the
 * transaction, the token endpoint's errors (never a 500), /userinfo, max_age, refresh tokens
 * (rotation, replay, Actions on refresh) and /oidc/logout.
 */
import { createHash, randomBytes } from "node:crypto";
import { ClientRegistry } from "../../src/local-tenant/oidc/clients";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { formRequest, type FormResult } from "../support/oidc";
import { tempDir } from "../support/local-tenant";

const CALLBACK = "https://app.example.com/callback";
const SPA_ORIGIN = "http://localhost:5173";
let tenant: LocalTenant;
let secret: string;

beforeAll(async () => {
  const clients = ClientRegistry.of([
    { client_id: "web", name: "Web App", token_endpoint_auth_method: "client_secret_post", callbacks: [CALLBACK] },
    {
      client_id: "spa",
      name: "SPA",
      app_type: "spa",
      token_endpoint_auth_method: "none",
      callbacks: [CALLBACK],
      web_origins: [SPA_ORIGIN],
      allowed_logout_urls: [`${SPA_ORIGIN}/bye`],
    },
  ]);
  tenant = await startLocalTenant({ stateDir: tempDir("oidc"), port: 0, clients });
  secret = tenant.clients.get("web")?.client_secret ?? "";
});
afterAll(async () => {
  await tenant?.close();
});
beforeEach(() => {
  tenant.model.replaceBindings("post-login", []);
});

function get(path: string, headers: Record<string, string> = {}): Promise<FormResult> {
  return formRequest(`${tenant.url}${path}`, { ca: tenant.caPem, method: "GET", headers });
}

function post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<FormResult> {
  return formRequest(`${tenant.url}${path}`, { ca: tenant.caPem, form, headers });
}

function authorizePath(query: Record<string, string>): string {
  return `/authorize?${new URLSearchParams({ client_id: "web", redirect_uri: CALLBACK, response_type: "code", scope: "openid profile email", ...query }).toString()}`;
}

/** /authorize, then the login page's form as a browser submits it; returns the answer to the form (and the session cookie). */
async function login(query: Record<string, string>, user = "kazuyuki"): Promise<{ answer: FormResult; cookie: string }> {
  const started = await get(authorizePath(query));
  expect(started.status).toBe(302);
  expect(started.location?.pathname).toBe("/u/login");
  const page = await get(`${started.location?.pathname}${started.location?.search}`);
  expect(page.status).toBe(200);
  const state = /name="state" value="([^"]+)"/.exec(page.text)?.[1] ?? "";
  const answer = await post("/u/login", { state, username: user });
  const cookie = String(answer.headers["set-cookie"] ?? "").split(";")[0];
  return { answer, cookie };
}

function deployAndBind(code: string) {
  const action = tenant.model.createAction({
    name: `a-${randomBytes(4).toString("hex")}`,
    supported_triggers: [{ id: "post-login", version: "v3" }],
    code,
  });
  tenant.model.deployAction(action.id);
  tenant.model.replaceBindings("post-login", [{ ref: { type: "action_id", value: action.id } }]);
}

it("discovery uses Auth0's field names and the tenant's issuer, and every endpoint it names answers", async () => {
  const res = await get("/.well-known/openid-configuration");
  const doc = JSON.parse(res.text);
  const issuer = `https://${tenant.domain}/`;
  expect(doc).toMatchObject({
    issuer,
    authorization_endpoint: `${issuer}authorize`,
    token_endpoint: `${issuer}oauth/token`,
    userinfo_endpoint: `${issuer}userinfo`,
    jwks_uri: `${issuer}.well-known/jwks.json`,
    code_challenge_methods_supported: ["S256", "plain"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
  });
  expect(doc.response_types_supported).toContain("code");
  expect(doc.end_session_endpoint).toBe(`${issuer}oidc/logout`);
  expect(doc.grant_types_supported).toEqual(["authorization_code", "refresh_token", "client_credentials"]);
  // offline_access is listed because refresh tokens are issued.
  expect(doc.scopes_supported).toContain("offline_access");
  expect((await get(new URL(doc.end_session_endpoint).pathname)).status).toBe(200);
  expect((await get(new URL(doc.authorization_endpoint).pathname)).status).toBe(400);
  expect((await post(new URL(doc.token_endpoint).pathname, { grant_type: "authorization_code" })).status).toBe(401);
  expect((await get(new URL(doc.userinfo_endpoint).pathname)).status).toBe(401);
  expect(JSON.parse((await get(new URL(doc.jwks_uri).pathname)).text).keys).toHaveLength(1);
});

it("an unknown client_id or a redirect_uri not registered gets an error page and no redirect", async () => {
  const unknown = await get(authorizePath({ client_id: "nobody", state: "s" }));
  expect(unknown.status).toBe(400);
  expect(unknown.location).toBeUndefined();
  expect(unknown.headers["content-type"]).toMatch(/^text\/html/);
  expect(unknown.text).toContain("Unknown client: nobody");

  const mismatch = await get(authorizePath({ redirect_uri: "https://attacker.example.com/callback", state: "s" }));
  expect(mismatch.status).toBe(400);
  expect(mismatch.location).toBeUndefined();
  expect(mismatch.text).toContain("Callback URL mismatch");
  // The value is shown escaped, never as markup.
  const markup = await get(authorizePath({ redirect_uri: "https://x.example.com/<script>" }));
  expect(markup.text).not.toContain("<script>");
});

it("an unsupported response_type goes back to the callback with the error and the state", async () => {
  const res = await get(authorizePath({ response_type: "token", state: "st-1" }));
  expect(res.status).toBe(302);
  const back = res.location as URL;
  expect(`${back.origin}${back.pathname}`).toBe(CALLBACK);
  const fragment = new URLSearchParams(back.hash.slice(1));
  expect(fragment.get("error")).toBe("unsupported_response_type");
  expect(fragment.get("state")).toBe("st-1");
});

it("a login completes with the state echoed, and without a state when the application sent none", async () => {
  const withState = (await login({ state: "abc" })).answer.location as URL;
  expect(withState.searchParams.get("code")).toMatch(/^\S{20,}$/);
  expect(withState.searchParams.get("state")).toBe("abc");
  const without = (await login({})).answer.location as URL;
  expect(without.searchParams.get("code")).toMatch(/^\S{20,}$/);
  expect(without.searchParams.has("state")).toBe(false);
});

it("response_mode fragment puts the code after #; form_post answers a self-submitting form to the callback", async () => {
  const fragment = (await login({ state: "f", response_mode: "fragment" })).answer.location as URL;
  expect(new URLSearchParams(fragment.hash.slice(1)).get("state")).toBe("f");
  expect(fragment.search).toBe("");

  const { answer } = await login({ state: "p", response_mode: "form_post" });
  expect(answer.status).toBe(200);
  expect(answer.text).toContain(`action="${CALLBACK}"`);
  expect(answer.text).toMatch(/name="code" value="[^"]{20,}"/);
  expect(answer.text).toContain('name="state" value="p"');
});

it("the login page rejects an unknown user, and a transaction answers once", async () => {
  const started = await get(authorizePath({ state: "s" }));
  const txState = started.location?.searchParams.get("state") ?? "";
  const wrong = await post("/u/login", { state: txState, username: "mallory" });
  expect(wrong.status).toBe(400);
  expect(wrong.text).toContain("Wrong email or password.");
  expect((await post("/u/login", { state: txState, username: "kazuyuki" })).status).toBe(302);
  const again = await post("/u/login", { state: txState, username: "kazuyuki" });
  expect(again.status).toBe(400);
  expect(again.location).toBeUndefined();
  expect((await get("/u/login?state=unknown")).status).toBe(400);
});

it("prompt=none: login_required without a session; with the session cookie a code at once; prompt=login shows the page again", async () => {
  const none = await get(authorizePath({ prompt: "none", state: "n" }));
  expect(new URLSearchParams(none.location?.search).get("error")).toBe("login_required");
  expect(none.location?.searchParams.get("state")).toBe("n");

  const { answer, cookie } = await login({ state: "x" });
  expect(cookie).toMatch(/^auth0=\S+$/);
  // Auth0's session cookie: sent cross-site back to /authorize, never readable by page scripts.
  const attributes = String(answer.headers["set-cookie"]).split("; ").slice(1);
  expect(attributes).toEqual(expect.arrayContaining(["Path=/", "HttpOnly", "Secure", "SameSite=None"]));
  expect(Number(attributes.find((a) => a.startsWith("Max-Age="))?.slice("Max-Age=".length))).toBeGreaterThan(0);
  // The session is found among the other cookies a browser sends for the domain.
  const among = await get(authorizePath({ prompt: "none", state: "n3" }), { cookie: `did=abc; ${cookie}; auth0_compat=x` });
  expect(among.location?.searchParams.get("code")).toMatch(/\S{20,}/);
  const silent = await get(authorizePath({ prompt: "none", state: "n2" }), { cookie });
  expect(silent.location?.searchParams.get("code")).toMatch(/\S{20,}/);
  const forced = await get(authorizePath({ prompt: "login" }), { cookie });
  expect(forced.location?.pathname).toBe("/u/login");
});

it("the post-login Action sees the transaction and the client, and its api.access.deny goes back to the application as access_denied", async () => {
  deployAndBind(`exports.onExecutePostLogin = async (event, api) => {
    if (event.transaction.requested_scopes.includes("deny")) return api.access.deny("No entry for " + event.client.name);
    api.idToken.setCustomClaim("https://t.example.com/ctx", { client: event.client.name, scopes: event.transaction.requested_scopes, redirect: event.transaction.redirect_uri });
  };`);
  const denied = (await login({ state: "d", scope: "openid deny" })).answer.location as URL;
  expect(denied.searchParams.get("error")).toBe("access_denied");
  expect(denied.searchParams.get("error_description")).toBe("No entry for Web App");
  expect(denied.searchParams.get("state")).toBe("d");
  expect(denied.searchParams.has("code")).toBe(false);

  const ok = (await login({ state: "ok", scope: "openid" })).answer.location as URL;
  const token = await post("/oauth/token", {
    grant_type: "authorization_code",
    client_id: "web",
    client_secret: secret,
    code: ok.searchParams.get("code") ?? "",
    redirect_uri: CALLBACK,
  });
  expect(token.status).toBe(200);
  const body = JSON.parse(token.text);
  const payload = JSON.parse(Buffer.from(body.id_token.split(".")[1], "base64url").toString());
  expect(payload["https://t.example.com/ctx"]).toEqual({ client: "Web App", scopes: ["openid"], redirect: CALLBACK });
  // Scope openid alone releases no profile claims; /userinfo answers sub and the custom claims.
  expect(payload.email).toBeUndefined();
  const info = JSON.parse((await get("/userinfo", { authorization: `Bearer ${body.access_token}` })).text);
  expect(info).toEqual({ sub: "auth0|5f7c8ec7c33c6c004bbafe82", "https://t.example.com/ctx": payload["https://t.example.com/ctx"] });
});

it("the token endpoint: a code is single-use; wrong secrets, PKCE failures and malformed headers are 4xx with an OAuth error body", async () => {
  const code = async (query: Record<string, string> = {}) =>
    ((await login({ state: "t", ...query })).answer.location as URL).searchParams.get("code") ?? "";
  const exchange = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    post("/oauth/token", { grant_type: "authorization_code", redirect_uri: CALLBACK, ...form }, headers);

  const first = await code();
  const ok = await exchange({ client_id: "web", client_secret: secret, code: first });
  expect(ok.status).toBe(200);
  expect(ok.headers["cache-control"]).toBe("no-store");
  expect(Object.keys(JSON.parse(ok.text))).toEqual(["access_token", "id_token", "scope", "expires_in", "token_type"]);
  const reused = await exchange({ client_id: "web", client_secret: secret, code: first });
  expect([reused.status, JSON.parse(reused.text)]).toEqual([
    403,
    { error: "invalid_grant", error_description: "Invalid authorization code" },
  ]);

  const wrongSecret = await exchange({ client_id: "web", client_secret: "nope", code: await code() });
  expect([wrongSecret.status, JSON.parse(wrongSecret.text).error]).toEqual([401, "access_denied"]);
  // Only a client that tried HTTP Basic is sent a challenge (RFC 6749 5.2).
  expect(wrongSecret.headers["www-authenticate"]).toBeUndefined();
  const wrongBasic = await exchange({ code: await code() }, { authorization: `Basic ${Buffer.from("web:nope").toString("base64")}` });
  expect([wrongBasic.status, JSON.parse(wrongBasic.text)]).toEqual([401, { error: "access_denied", error_description: "Unauthorized" }]);
  expect(wrongBasic.headers["www-authenticate"]).toBe(`Basic realm="${tenant.domain}", charset="UTF-8"`);
  const deployerBasic = await post(
    "/oauth/token",
    { grant_type: "client_credentials" },
    { authorization: `Basic ${Buffer.from("local-tenant-deployer:nope").toString("base64")}` },
  );
  expect([deployerBasic.status, deployerBasic.headers["www-authenticate"]]).toEqual([
    401,
    `Basic realm="${tenant.domain}", charset="UTF-8"`,
  ]);
  const basic = await exchange({ code: await code() }, { authorization: `Basic ${Buffer.from(`web:${secret}`).toString("base64")}` });
  expect(basic.status).toBe(200);
  for (const header of ["Basic %%%", "Basic bm9jb2xvbg==", "Basic JUU0OiVFNA==", "Bearer x"]) {
    const malformed = await exchange({ code: "x" }, { authorization: header });
    expect(malformed.status).toBeGreaterThanOrEqual(400);
    expect(malformed.status).toBeLessThan(500);
    expect(JSON.parse(malformed.text)).toHaveProperty("error");
  }

  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const spaCode = await code({ client_id: "spa", code_challenge: challenge, code_challenge_method: "S256" });
  const badVerifier = await exchange({ client_id: "spa", code: spaCode, code_verifier: randomBytes(32).toString("base64url") });
  expect([badVerifier.status, JSON.parse(badVerifier.text)]).toEqual([
    403,
    { error: "invalid_grant", error_description: "Failed to verify code verifier" },
  ]);
  const spaOk = await exchange({
    client_id: "spa",
    code: await code({ client_id: "spa", code_challenge: challenge, code_challenge_method: "S256" }),
    code_verifier: verifier,
  });
  expect(spaOk.status).toBe(200);

  const noAuth = await get("/userinfo", { authorization: "Bearer not-a-token" });
  expect(noAuth.status).toBe(401);
  expect(noAuth.headers["www-authenticate"]).toMatch(/^Bearer .*error="invalid_token"/);
});

it("CORS: a browser app at one of a client's web_origins may call /oauth/token and /userinfo; another origin gets no CORS headers", async () => {
  const preflight = (origin: string) =>
    formRequest(`${tenant.url}/oauth/token`, {
      ca: tenant.caPem,
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
  const allowed = await preflight(SPA_ORIGIN);
  expect(allowed.status).toBe(204);
  expect(allowed.headers["access-control-allow-origin"]).toBe(SPA_ORIGIN);
  expect(String(allowed.headers["access-control-allow-methods"])).toContain("POST");
  const other = await preflight("https://evil.example.com");
  expect(other.status).toBe(403);
  expect(other.headers["access-control-allow-origin"]).toBeUndefined();

  const token = await post(
    "/oauth/token",
    { grant_type: "authorization_code", client_id: "spa", code: "x", code_verifier: "y" },
    { origin: SPA_ORIGIN },
  );
  expect(token.headers["access-control-allow-origin"]).toBe(SPA_ORIGIN);
  const info = await get("/userinfo", { origin: "https://evil.example.com", authorization: "Bearer x" });
  expect(info.headers["access-control-allow-origin"]).toBeUndefined();
});

it("logout ends the session and returns only to a registered logout URL", async () => {
  const { cookie } = await login({ state: "l" });
  const out = await get(`/v2/logout?client_id=spa&returnTo=${encodeURIComponent(`${SPA_ORIGIN}/bye`)}`, { cookie });
  expect(out.status).toBe(302);
  expect(out.location?.href).toBe(`${SPA_ORIGIN}/bye`);
  // The browser is told to drop the session cookie, with the attributes it was set with.
  const cleared = String(out.headers["set-cookie"]);
  expect(cleared).toMatch(/^auth0=;/);
  expect(cleared).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
  expect(cleared.split("; ")).toEqual(expect.arrayContaining(["Path=/", "HttpOnly", "Secure", "SameSite=None"]));
  const none = await get(authorizePath({ prompt: "none", state: "after" }), { cookie });
  expect(none.location?.searchParams.get("error")).toBe("login_required");
  const elsewhere = await get(`/v2/logout?client_id=spa&returnTo=${encodeURIComponent("https://evil.example.com/")}`);
  expect(elsewhere.status).toBe(200);
  expect(elsewhere.location).toBeUndefined();
});

it("odd input never answers 500: repeated parameters, non-string bodies, bad cookies, unknown methods", async () => {
  const answers = await Promise.all([
    get("/authorize?client_id=web&client_id=spa&redirect_uri=x&response_type=code"),
    get(`/authorize?client_id=web&redirect_uri=${encodeURIComponent(CALLBACK)}&response_type=code&response_type=token`),
    get(`/authorize?client_id=web&redirect_uri=${encodeURIComponent(CALLBACK)}&response_type=%20&scope=&prompt=%00`),
    get("/u/login?state=a&state=b"),
    get("/u/login"),
    get("/authorize?client_id=constructor&redirect_uri=x"),
    get("/authorize?client_id=__proto__&redirect_uri=x"),
    post("/u/login", { state: "", username: "" }),
    get(authorizePath({ prompt: "none" }), { cookie: "auth0=; auth0=%%%; other" }),
    get("/userinfo", { authorization: "Bearer" }),
    get("/v2/logout?client_id=web&client_id=spa&returnTo=x&returnTo=y"),
    formRequest(`${tenant.url}/oauth/token`, { ca: tenant.caPem, method: "POST", headers: { "content-type": "application/json" } }),
  ]);
  const json = (body: unknown) =>
    formRequest(`${tenant.url}/oauth/token`, {
      ca: tenant.caPem,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  answers.push(
    await json({ grant_type: "authorization_code", code: 1, client_id: ["web"] }),
    await json(["authorization_code"]),
    await json({ grant_type: "authorization_code", client_id: "web", client_secret: { a: 1 }, code: "x" }),
  );
  expect(answers.map((a) => a.status).filter((status) => status >= 500)).toEqual([]);
  expect(answers[0].status).toBe(400);
});

it("refresh_token grant: offline_access brings a refresh token; each use rotates it and runs the post-login Actions again; a replay is refused", async () => {
  deployAndBind(`exports.onExecutePostLogin = async (event, api) => {
    api.idToken.setCustomClaim("https://t.example.com/protocol", event.transaction.protocol);
  };`);
  const { answer } = await login({ scope: "openid profile offline_access", state: "r", max_age: "600" });
  const code = answer.location?.searchParams.get("code") ?? "";
  const first = JSON.parse(
    (
      await post("/oauth/token", {
        grant_type: "authorization_code",
        client_id: "web",
        client_secret: secret,
        code,
        redirect_uri: CALLBACK,
      })
    ).text,
  );
  expect(Object.keys(first)).toEqual(["access_token", "refresh_token", "id_token", "scope", "expires_in", "token_type"]);
  const claims = (token: string) => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
  expect(claims(first.id_token)["https://t.example.com/protocol"]).toBe("oidc-basic-profile");

  const refresh = (refresh_token: string) =>
    post("/oauth/token", { grant_type: "refresh_token", client_id: "web", client_secret: secret, refresh_token });
  const rotated = await refresh(first.refresh_token);
  expect(rotated.status).toBe(200);
  const second = JSON.parse(rotated.text);
  expect(second.refresh_token).not.toBe(first.refresh_token);
  expect(second.scope).toBe("openid profile offline_access");
  const refreshed = claims(second.id_token);
  expect(refreshed["https://t.example.com/protocol"]).toBe("oauth2-refresh-token");
  // OIDC Core 12.2: the login's auth_time, no nonce.
  expect(refreshed.auth_time).toBe(claims(first.id_token).auth_time);
  expect(refreshed.nonce).toBeUndefined();

  const replay = await refresh(first.refresh_token);
  expect([replay.status, JSON.parse(replay.text)]).toEqual([
    403,
    { error: "invalid_grant", error_description: "Unknown or invalid refresh token." },
  ]);
  expect((await refresh(second.refresh_token)).status).toBe(403);
  const missing = await post("/oauth/token", { grant_type: "refresh_token", client_id: "web", client_secret: secret });
  expect([missing.status, JSON.parse(missing.text).error]).toEqual([400, "invalid_request"]);

  // Without offline_access there is no refresh token.
  const plain = await login({ state: "p" });
  const noRefresh = JSON.parse(
    (
      await post("/oauth/token", {
        grant_type: "authorization_code",
        client_id: "web",
        client_secret: secret,
        code: plain.answer.location?.searchParams.get("code") ?? "",
        redirect_uri: CALLBACK,
      })
    ).text,
  );
  expect(noRefresh.refresh_token).toBeUndefined();
});

it("a denial by an Action on refresh answers 403 access_denied with the Action's reason and leaves the refresh token usable", async () => {
  const { answer } = await login({ scope: "openid offline_access", state: "d" });
  const code = answer.location?.searchParams.get("code") ?? "";
  const { refresh_token } = JSON.parse(
    (
      await post("/oauth/token", {
        grant_type: "authorization_code",
        client_id: "web",
        client_secret: secret,
        code,
        redirect_uri: CALLBACK,
      })
    ).text,
  );
  deployAndBind(`exports.onExecutePostLogin = async (event, api) => {
    if (event.transaction.protocol === "oauth2-refresh-token") api.access.deny("no refresh today");
  };`);
  const denied = await post("/oauth/token", { grant_type: "refresh_token", client_id: "web", client_secret: secret, refresh_token });
  expect([denied.status, JSON.parse(denied.text)]).toEqual([403, { error: "access_denied", error_description: "no refresh today" }]);
  // The denied exchange did not spend the token: once the Action allows it, the same token refreshes.
  tenant.model.replaceBindings("post-login", []);
  const allowed = await post("/oauth/token", { grant_type: "refresh_token", client_id: "web", client_secret: secret, refresh_token });
  expect(allowed.status).toBe(200);
});

it("/oidc/logout (RP-Initiated Logout): id_token_hint names the app, post_logout_redirect_uri must be allowed, state comes back; the session ends", async () => {
  const { answer, cookie } = await login({ client_id: "spa", state: "o", code_challenge: "c".repeat(43), code_challenge_method: "plain" });
  const code = answer.location?.searchParams.get("code") ?? "";
  const { id_token } = JSON.parse(
    (
      await post("/oauth/token", {
        grant_type: "authorization_code",
        client_id: "spa",
        code,
        redirect_uri: CALLBACK,
        code_verifier: "c".repeat(43),
      })
    ).text,
  );
  const logout = (query: Record<string, string>, headers: Record<string, string> = {}) =>
    get(`/oidc/logout?${new URLSearchParams(query).toString()}`, headers);

  const refused = await logout({ id_token_hint: id_token, post_logout_redirect_uri: "https://evil.example.com/" }, { cookie });
  expect([refused.status, refused.location]).toEqual([400, undefined]);
  expect(refused.text).toContain("Allowed Logout URLs");
  const forged = await logout({ id_token_hint: `${id_token.slice(0, -4)}AAAA`, post_logout_redirect_uri: `${SPA_ORIGIN}/bye` });
  expect([forged.status, forged.location]).toEqual([400, undefined]);

  const out = await logout({ id_token_hint: id_token, post_logout_redirect_uri: `${SPA_ORIGIN}/bye`, state: "s 1" }, { cookie });
  expect(out.status).toBe(302);
  expect(out.location?.href).toBe(`${SPA_ORIGIN}/bye?state=s+1`);
  expect(String(out.headers["set-cookie"])).toMatch(/^auth0=;/);
  const none = await get(authorizePath({ prompt: "none", state: "after" }), { cookie });
  expect(none.location?.searchParams.get("error")).toBe("login_required");
});

it("max_age over HTTP: a live session answers at once, max_age=0 sends the browser to the login page, prompt=none then login_required", async () => {
  const { cookie } = await login({ state: "m" });
  expect((await get(authorizePath({ state: "sso" }), { cookie })).location?.searchParams.get("code")).toBeTruthy();
  expect((await get(authorizePath({ state: "fresh", max_age: "0" }), { cookie })).location?.pathname).toBe("/u/login");
  const none = await get(authorizePath({ state: "n", max_age: "0", prompt: "none" }), { cookie });
  expect(none.location?.searchParams.get("error")).toBe("login_required");
});
