/**
 * The OIDC login's rules without HTTP: which /authorize requests get an error page and which a
 * redirect, client authentication at the token endpoint, PKCE (RFC 7636 S256 and plain), codes
 * single-use, bound to client and redirect_uri, and dead after their lifetime (a fake clock).
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Authentication } from "../../src/local-tenant/login";
import { CLIENT_SECRETS_FILE, ClientRegistry, DEFAULT_CLIENTS_DIR } from "../../src/local-tenant/oidc/clients";
import { tempDir } from "../support/local-tenant";
import { OAuthError } from "../../src/local-tenant/errors";
import {
  AUTHORIZATION_CODE_TTL_MS,
  OidcModel,
  pkceMatches,
  scopedProfile,
  type AuthorizeTransaction,
  type PresentedClient,
} from "../../src/local-tenant/oidc/model";

const WEB = "https://app.example.com/callback";
const SPA = "http://localhost:5173";
const clients = ClientRegistry.of([
  { client_id: "web", name: "Web", token_endpoint_auth_method: "client_secret_basic", callbacks: [WEB] },
  { client_id: "spa", name: "SPA", app_type: "spa", token_endpoint_auth_method: "none", callbacks: [SPA] },
]);
const webSecret = clients.get("web")?.client_secret as string;
// RFC 7636 appendix B: this verifier's S256 challenge is the one below.
const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const AUTH: Authentication = {
  user_id: "auth0|1",
  profile: { name: "N", email: "e@example.com", email_verified: true },
  id_claims: { "/x": 1 },
  access_claims: {},
  dropped_claims: [],
  executed: [],
};

let clock = 1_000_000;
const model = new OidcModel(clients, { now: () => clock, userinfoAudience: () => "https://localhost:1/userinfo" });

function authorizeOk(query: Record<string, string>): AuthorizeTransaction {
  const outcome = model.authorize({ response_type: "code", ...query });
  if (outcome.kind !== "ok") throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return outcome.transaction;
}

function codeFor(query: Record<string, string>): string {
  const tx = authorizeOk(query);
  return model.issueCode(tx, model.startSession("u", "auth0|1"), AUTH);
}

function rejection(run: () => unknown): { status: number; error: string; description: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof OAuthError) return { status: error.statusCode, error: error.error, description: error.description };
    throw error;
  }
  throw new Error("expected an OAuthError");
}

it("the PKCE check is RFC 7636's: the appendix B pair matches with S256, plain compares as is, anything else fails", () => {
  expect(createHash("sha256").update(VERIFIER).digest("base64url")).toBe(CHALLENGE);
  expect(pkceMatches(VERIFIER, CHALLENGE, "S256")).toBe(true);
  expect(pkceMatches(VERIFIER, VERIFIER, "plain")).toBe(true);
  expect(pkceMatches(VERIFIER, CHALLENGE, "plain")).toBe(false);
  expect(pkceMatches(`${VERIFIER}x`, CHALLENGE, "S256")).toBe(false);
  expect(pkceMatches("short", "short", "plain")).toBe(false);
});

it("an unknown client or a callback URL not registered gets an error page, never a redirect", () => {
  expect(model.authorize({ client_id: "nope", redirect_uri: WEB, response_type: "code" })).toEqual({
    kind: "error-page",
    error: "invalid_request",
    description: "Unknown client: nope",
  });
  const mismatch = model.authorize({
    client_id: "web",
    redirect_uri: "https://evil.example.com/callback",
    response_type: "code",
    state: "s",
  });
  expect(mismatch).toMatchObject({ kind: "error-page", error: "unauthorized_client" });
  expect(model.authorize({ client_id: "web", redirect_uri: `${WEB}/`, response_type: "code" }).kind).toBe("error-page");
  expect(model.authorize({ redirect_uri: WEB, response_type: "code" })).toMatchObject({
    kind: "error-page",
    description: "Missing required parameter: client_id",
  });
});

it("with a trusted callback, bad parameters go back to it with the state", () => {
  const base = { client_id: "web", redirect_uri: WEB, state: "st" };
  expect(model.authorize({ ...base, response_type: "token" })).toMatchObject({
    kind: "redirect-error",
    error: "unsupported_response_type",
    target: { state: "st", response_mode: "fragment" },
  });
  expect(model.authorize({ ...base, response_type: "bogus" })).toMatchObject({
    kind: "redirect-error",
    error: "unsupported_response_type",
    target: { response_mode: "fragment" },
  });
  expect(model.authorize(base)).toMatchObject({
    kind: "redirect-error",
    error: "invalid_request",
    description: "Missing required parameter: response_type",
  });
  expect(model.authorize({ ...base, response_type: "code", code_challenge: CHALLENGE, code_challenge_method: "S512" })).toMatchObject({
    kind: "redirect-error",
    error: "invalid_request",
  });
  expect(model.authorize({ ...base, response_type: "code", response_mode: "web_message" })).toMatchObject({
    kind: "redirect-error",
    error: "invalid_request",
    target: { response_mode: "query" },
  });
  expect(model.authorize({ ...base, response_type: "code", audience: "https://api.example.com" })).toMatchObject({
    kind: "redirect-error",
    error: "access_denied",
    description: "Service not found: https://api.example.com",
  });
  // No state is allowed (it is the application's CSRF defence): the answer then carries none.
  const noState = authorizeOk({ client_id: "web", redirect_uri: WEB });
  expect(noState.state).toBeUndefined();
  expect(noState.code_challenge_method).toBeUndefined();
  expect(authorizeOk({ ...base, code_challenge: VERIFIER }).code_challenge_method).toBe("plain");
});

it("a confidential client must present its secret; a public client needs no secret but must use PKCE", () => {
  const code = () => codeFor({ client_id: "web", redirect_uri: WEB });
  expect(
    rejection(() =>
      model.redeemCode({ client_id: "web", client_secret: "wrong", method: "client_secret_basic" }, { code: code(), redirect_uri: WEB }),
    ),
  ).toEqual({
    status: 401,
    error: "access_denied",
    description: "Unauthorized",
  });
  expect(rejection(() => model.redeemCode({ client_id: "web", method: "none" }, { code: code(), redirect_uri: WEB })).status).toBe(401);
  expect(
    model.redeemCode({ client_id: "web", client_secret: webSecret, method: "client_secret_post" }, { code: code(), redirect_uri: WEB }).auth
      .user_id,
  ).toBe("auth0|1");

  const withoutPkce = codeFor({ client_id: "spa", redirect_uri: SPA });
  expect(rejection(() => model.redeemCode({ client_id: "spa", method: "none" }, { code: withoutPkce, redirect_uri: SPA })).status).toBe(
    401,
  );
  const withPkce = codeFor({ client_id: "spa", redirect_uri: SPA, code_challenge: CHALLENGE, code_challenge_method: "S256" });
  expect(
    model.redeemCode({ client_id: "spa", method: "none" }, { code: withPkce, redirect_uri: SPA, code_verifier: VERIFIER }).client_id,
  ).toBe("spa");
});

it("a code works once, for its own client and redirect_uri and verifier, and not after its lifetime", () => {
  const web = { client_id: "web", client_secret: webSecret, method: "client_secret_basic" as const };
  const pkce = { client_id: "spa", redirect_uri: SPA, code_challenge: CHALLENGE, code_challenge_method: "S256" };

  const once = codeFor({ client_id: "web", redirect_uri: WEB, nonce: "n" });
  expect(model.redeemCode(web, { code: once, redirect_uri: WEB })).toMatchObject({ nonce: "n", scope: ["openid"] });
  expect(rejection(() => model.redeemCode(web, { code: once, redirect_uri: WEB }))).toMatchObject({
    status: 403,
    error: "invalid_grant",
    description: "Invalid authorization code",
  });

  const spaCode = codeFor(pkce);
  expect(rejection(() => model.redeemCode(web, { code: spaCode, redirect_uri: SPA })).description).toBe("Invalid authorization code");

  expect(
    rejection(() =>
      model.redeemCode(web, { code: codeFor({ client_id: "web", redirect_uri: WEB }), redirect_uri: "https://app.example.com/other" }),
    ).description,
  ).toBe("Invalid redirect_uri");
  expect(
    rejection(() =>
      model.redeemCode({ client_id: "spa", method: "none" }, { code: codeFor(pkce), redirect_uri: SPA, code_verifier: CHALLENGE }),
    ).description,
  ).toBe("Failed to verify code verifier");
  // A failed attempt spends the code too: the right verifier cannot follow a wrong one.
  const spent = codeFor(pkce);
  rejection(() => model.redeemCode({ client_id: "spa", method: "none" }, { code: spent, redirect_uri: SPA, code_verifier: CHALLENGE }));
  expect(
    rejection(() => model.redeemCode({ client_id: "spa", method: "none" }, { code: spent, redirect_uri: SPA, code_verifier: VERIFIER }))
      .description,
  ).toBe("Invalid authorization code");

  const late = codeFor({ client_id: "web", redirect_uri: WEB });
  clock += AUTHORIZATION_CODE_TTL_MS;
  expect(rejection(() => model.redeemCode(web, { code: late, redirect_uri: WEB })).description).toBe("Invalid authorization code");
  const inTime = codeFor({ client_id: "web", redirect_uri: WEB });
  clock += AUTHORIZATION_CODE_TTL_MS - 1;
  expect(model.redeemCode(web, { code: inTime, redirect_uri: WEB }).client_id).toBe("web");
});

it("scopes release profile claims as Auth0 does: profile gives name and friends, email gives email and email_verified", () => {
  const profile = {
    name: "N",
    nickname: "n",
    picture: "https://p.example.com/a.png",
    updated_at: "2026-01-01T00:00:00.000Z",
    email: "e@example.com",
    email_verified: true,
  };
  expect(scopedProfile(profile, ["openid"])).toEqual({});
  expect(Object.keys(scopedProfile(profile, ["openid", "email"]))).toEqual(["email", "email_verified"]);
  expect(Object.keys(scopedProfile(profile, ["openid", "profile"])).sort()).toEqual(["name", "nickname", "picture", "updated_at"]);
});

it("client fixtures are validated with the field named; an in-memory public client has no secret", () => {
  expect(() => ClientRegistry.of([{ client_id: "x", name: "X", callbacks: [] }])).toThrow(/at least one allowed callback/);
  expect(clients.get("spa")?.client_secret).toBeUndefined();
  expect(webSecret.length).toBeGreaterThanOrEqual(43);
});

it("client fixtures from a directory: the repository's parse; secrets are made once per state directory (0600) and kept; a broken file is named with its field", () => {
  const stateDir = tempDir("oidc-clients");
  const shipped = ClientRegistry.load(DEFAULT_CLIENTS_DIR, stateDir);
  expect(shipped.get("local-app")?.client_secret).toMatch(/^[A-Za-z0-9_-]{43,}$/);
  expect(shipped.get("local-spa")?.client_secret).toBeUndefined();
  const file = join(stateDir, CLIENT_SECRETS_FILE);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(ClientRegistry.load(DEFAULT_CLIENTS_DIR, stateDir).get("local-app")?.client_secret).toBe(shipped.get("local-app")?.client_secret);
  expect(Object.keys(JSON.parse(readFileSync(file, "utf8")))).toEqual(["local-app"]);

  const broken = tempDir("oidc-clients-broken");
  writeFileSync(
    join(broken, "bad.json"),
    JSON.stringify({ client_id: "bad", name: "Bad", callbacks: ["not a url"], client_secret: "pasted" }),
  );
  let message = "";
  try {
    ClientRegistry.load(broken, stateDir);
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toMatch(/bad\.json: callbacks\.0: must be an absolute URL/);
  expect(message).toMatch(/bad\.json: \(file\): unknown field\(s\) client_secret/);
});

describe("max_age and auth_time", () => {
  it("a session older than max_age, max_age=0 or prompt=login needs the login page; a fresh enough one does not", () => {
    const session = model.startSession("u", "auth0|1");
    clock += 10_000;
    expect(model.requiresLogin(authorizeOk({ client_id: "web", redirect_uri: WEB }), session)).toBe(false);
    expect(model.requiresLogin(authorizeOk({ client_id: "web", redirect_uri: WEB, max_age: "60" }), session)).toBe(false);
    expect(model.requiresLogin(authorizeOk({ client_id: "web", redirect_uri: WEB, max_age: "5" }), session)).toBe(true);
    expect(model.requiresLogin(authorizeOk({ client_id: "web", redirect_uri: WEB, max_age: "0" }), session)).toBe(true);
    expect(model.requiresLogin(authorizeOk({ client_id: "web", redirect_uri: WEB, prompt: "login" }), session)).toBe(true);
  });

  it("a max_age that is not a whole number of seconds goes back to the callback as invalid_request", () => {
    for (const max_age of ["-1", "1.5", "soon"]) {
      expect(model.authorize({ response_type: "code", client_id: "web", redirect_uri: WEB, max_age })).toMatchObject({
        kind: "redirect-error",
        error: "invalid_request",
      });
    }
  });

  it("the code carries auth_time (the session's login, in seconds) when max_age or prompt=login was asked, not otherwise", () => {
    const session = model.startSession("u", "auth0|1");
    const loggedIn = Math.floor(session.authenticated_at / 1000);
    clock += 3_000;
    const redeem = (query: Record<string, string>) =>
      model.redeemCode(
        { client_id: "web", client_secret: webSecret, method: "client_secret_basic" },
        { code: model.issueCode(authorizeOk({ client_id: "web", redirect_uri: WEB, ...query }), session, AUTH), redirect_uri: WEB },
      );
    expect(redeem({ max_age: "600" }).auth_time).toBe(loggedIn);
    expect(redeem({ prompt: "login" }).auth_time).toBe(loggedIn);
    expect(redeem({}).auth_time).toBeUndefined();
  });
});

it("PKCE downgrade: a verifier for a code issued without a challenge is refused, and the code is spent", () => {
  const web = { client_id: "web", client_secret: webSecret, method: "client_secret_basic" } as const;
  const code = codeFor({ client_id: "web", redirect_uri: WEB });
  expect(rejection(() => model.redeemCode(web, { code, redirect_uri: WEB, code_verifier: VERIFIER }))).toMatchObject({
    status: 403,
    error: "invalid_grant",
  });
  expect(rejection(() => model.redeemCode(web, { code, redirect_uri: WEB }))).toMatchObject({ error: "invalid_grant" });
});

describe("refresh tokens", () => {
  const web = { client_id: "web", client_secret: webSecret, method: "client_secret_basic" } as const;
  /** Both steps of one exchange, as the token endpoint runs them when the Actions allow it. */
  function rotate(presented: PresentedClient, params: { refresh_token: string; scope?: string }) {
    const grant = model.checkRefreshToken(presented, params);
    return { ...grant, refresh_token: grant.rotate() };
  }
  function firstRefreshToken(scope = "openid offline_access"): string {
    const code = codeFor({ client_id: "web", redirect_uri: WEB, scope });
    return model.issueRefreshToken(model.redeemCode(web, { code, redirect_uri: WEB }));
  }
  const invalid = { status: 403, error: "invalid_grant", description: "Unknown or invalid refresh token." };

  it("rotate: each exchange spends the token and returns a successor with the same grant", () => {
    const first = firstRefreshToken();
    const second = rotate(web, { refresh_token: first });
    expect(second).toMatchObject({ client_id: "web", user_id: "auth0|1", scope: ["openid", "offline_access"] });
    expect(second.refresh_token).not.toBe(first);
    const third = rotate(web, { refresh_token: second.refresh_token });
    expect(third.refresh_token).not.toBe(second.refresh_token);
  });

  it("reuse of a rotated token revokes the whole family, the newest token too; other families live on", () => {
    const first = firstRefreshToken();
    const other = firstRefreshToken();
    const second = rotate(web, { refresh_token: first }).refresh_token;
    expect(rejection(() => rotate(web, { refresh_token: first }))).toEqual(invalid);
    expect(rejection(() => rotate(web, { refresh_token: second }))).toEqual(invalid);
    expect(rotate(web, { refresh_token: other }).client_id).toBe("web");
  });

  it("another client's, an unknown or an idle-expired token is refused; scope may narrow, not widen", () => {
    const token = firstRefreshToken("openid profile offline_access");
    expect(rejection(() => rotate({ client_id: "spa", method: "none" }, { refresh_token: token }))).toEqual(invalid);
    expect(rejection(() => rotate(web, { refresh_token: "nope" }))).toEqual(invalid);
    expect(rejection(() => rotate(web, { refresh_token: token, scope: "openid email" }))).toMatchObject({
      status: 403,
      error: "invalid_scope",
    });
    const narrowed = rotate(web, { refresh_token: token, scope: "openid" });
    expect(narrowed.scope).toEqual(["openid"]);
    // The successor keeps the family's full grant.
    expect(rotate(web, { refresh_token: narrowed.refresh_token }).scope).toEqual(["openid", "profile", "offline_access"]);

    const idle = firstRefreshToken();
    clock += 15 * 86_400_000 + 1;
    expect(rejection(() => rotate(web, { refresh_token: idle }))).toEqual(invalid);
  });

  it("a token checked but not rotated (the Actions denied) stays usable; rotating it twice is a replay", () => {
    const token = firstRefreshToken();
    model.checkRefreshToken(web, { refresh_token: token });
    const checked = model.checkRefreshToken(web, { refresh_token: token });
    const racing = model.checkRefreshToken(web, { refresh_token: token });
    const successor = checked.rotate();
    expect(rejection(() => racing.rotate())).toEqual(invalid);
    expect(rejection(() => rotate(web, { refresh_token: successor }))).toEqual(invalid);
  });

  it("a wrong client secret is 401 before the token is looked at", () => {
    const token = firstRefreshToken();
    expect(rejection(() => rotate({ ...web, client_secret: "wrong" }, { refresh_token: token }))).toMatchObject({
      status: 401,
      error: "access_denied",
    });
    expect(rotate(web, { refresh_token: token }).client_id).toBe("web");
  });
});

describe("/oidc/logout rules", () => {
  const logoutClients = ClientRegistry.of([
    {
      client_id: "app",
      name: "App",
      callbacks: [WEB],
      allowed_logout_urls: ["https://app.example.com/bye", "https://app.example.com/other"],
    },
    { client_id: "bare", name: "Bare", callbacks: [WEB] },
  ]);
  const logoutModel = new OidcModel(logoutClients, { userinfoAudience: () => "https://localhost:1/userinfo" });

  it("post_logout_redirect_uri must be an Allowed Logout URL of client_id or of the id_token_hint's audience", () => {
    expect(logoutModel.logout({ client_id: "app", post_logout_redirect_uri: "https://app.example.com/other" })).toEqual({
      kind: "ok",
      redirect_uri: "https://app.example.com/other",
    });
    expect(
      logoutModel.logout({ id_token_hint: "t", hint: { aud: "app" }, post_logout_redirect_uri: "https://app.example.com/bye" }),
    ).toEqual({
      kind: "ok",
      redirect_uri: "https://app.example.com/bye",
    });
    expect(logoutModel.logout({ client_id: "app", post_logout_redirect_uri: "https://evil.example.com/" })).toMatchObject({
      kind: "error-page",
      description: expect.stringContaining("not in the list of Allowed Logout URLs"),
    });
    expect(logoutModel.logout({ post_logout_redirect_uri: "https://app.example.com/bye" })).toMatchObject({ kind: "error-page" });
  });

  it("without a return address: the client's first Allowed Logout URL, else no redirect", () => {
    expect(logoutModel.logout({ client_id: "app" })).toEqual({ kind: "ok", redirect_uri: "https://app.example.com/bye" });
    expect(logoutModel.logout({ client_id: "bare" })).toEqual({ kind: "ok" });
    expect(logoutModel.logout({})).toEqual({ kind: "ok" });
  });

  it("a hint that did not verify, a hint for another client, or an unknown client gets the error page", () => {
    expect(logoutModel.logout({ id_token_hint: "forged" })).toMatchObject({ kind: "error-page", error: "invalid_request" });
    expect(logoutModel.logout({ id_token_hint: "t", hint: { aud: "bare" }, client_id: "app" })).toMatchObject({ kind: "error-page" });
    expect(logoutModel.logout({ client_id: "nobody" })).toMatchObject({ kind: "error-page", description: "Unknown client: nobody" });
  });
});
