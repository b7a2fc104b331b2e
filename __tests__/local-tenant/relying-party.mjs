// A relying party built on openid-client (ESM only, so it runs in its own Node process, which
// also lets it trust the local tenant's CA through NODE_EXTRA_CA_CERTS like any Node app would).
// It does what an app does: discovery, PKCE, state and nonce, the authorization URL, then, acting
// as the user's browser with plain fetch, follows /authorize to the login page and picks the user;
// then the code exchange (ID token validated by the library), and /userinfo.
// Input: RP_CONFIG = {"issuer","client_id","client_secret"?,"auth":"post"|"basic"|"none","redirect_uri","user","scope"}.
// Output: one JSON line {"claims","userinfo","scope","token_type"} or {"error","message"} (exit 1).
// With "scenarios": true in RP_CONFIG it runs the checks of scenarios() instead (max_age, refresh
// with rotation and replay, and the refusals) and prints {"<scenario>": {"ok", ...}} (see there).
import * as oidc from "openid-client";

const config = JSON.parse(process.env.RP_CONFIG ?? "{}");

function clientAuth() {
  if (config.auth === "basic") return oidc.ClientSecretBasic(config.client_secret);
  if (config.auth === "post") return oidc.ClientSecretPost(config.client_secret);
  return oidc.None();
}

async function main() {
  const server = await oidc.discovery(new URL(config.issuer), config.client_id, undefined, clientAuth());
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const authorizationUrl = oidc.buildAuthorizationUrl(server, {
    redirect_uri: config.redirect_uri,
    scope: config.scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });

  // The user's side: /authorize sends the browser to the login page, whose form names the user.
  const toLogin = await fetch(authorizationUrl, { redirect: "manual" });
  if (toLogin.status !== 302) throw new Error(`/authorize answered ${toLogin.status}: ${await toLogin.text()}`);
  const loginPageUrl = new URL(toLogin.headers.get("location"), authorizationUrl);
  const page = await (await fetch(loginPageUrl)).text();
  const transaction = /name="state" value="([^"]+)"/.exec(page)?.[1];
  if (!transaction || !page.includes(`value="${config.user}"`)) throw new Error(`the login page does not offer ${config.user}: ${page}`);
  const submitted = await fetch(new URL("/u/login", loginPageUrl), {
    method: "POST",
    body: new URLSearchParams({ state: transaction, username: config.user }),
    redirect: "manual",
  });
  const callback = new URL(submitted.headers.get("location") ?? "about:blank");

  const tokens = await oidc.authorizationCodeGrant(server, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  const userinfo = await oidc.fetchUserInfo(server, tokens.access_token, claims.sub);
  return { claims, userinfo, scope: tokens.scope, token_type: tokens.token_type };
}

/** A browser's side of the login: /authorize, the login page unless the session answers, the form. Keeps the tenant's session cookie. */
function newBrowser() {
  let cookie = "";
  const go = async (url, init = {}) => {
    const response = await fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers ?? {}), ...(cookie ? { cookie } : {}) } });
    const set = response.headers.get("set-cookie");
    if (set) cookie = set.split(";")[0];
    return response;
  };
  return {
    /** Returns the URL the tenant sent the browser back to, and whether the login page was shown. */
    async signIn(authorizationUrl, user) {
      const started = await go(authorizationUrl);
      if (started.status !== 302) throw new Error(`/authorize answered ${started.status}: ${await started.text()}`);
      const next = new URL(started.headers.get("location"), authorizationUrl);
      if (next.pathname !== "/u/login") return { callback: next, shown: false };
      const page = await (await go(next)).text();
      const transaction = /name="state" value="([^"]+)"/.exec(page)?.[1];
      if (!transaction || !page.includes(`value="${user}"`)) throw new Error(`the login page does not offer ${user}: ${page}`);
      const submitted = await go(new URL("/u/login", next), {
        method: "POST",
        body: new URLSearchParams({ state: transaction, username: user }),
      });
      return { callback: new URL(submitted.headers.get("location") ?? "about:blank"), shown: true };
    },
  };
}

/** What a refusal looked like to the library: its error class and code, the OAuth error, status and WWW-Authenticate. */
function refusal(error) {
  return {
    name: error.name,
    code: error.code,
    ...(error.error !== undefined ? { error: error.error } : {}),
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error.response?.headers?.get("www-authenticate") ? { www_authenticate: error.response.headers.get("www-authenticate") } : {}),
    message: error.message,
    ...(error.cause instanceof Error ? { cause: error.cause.message } : {}),
  };
}

async function expectRefusal(what, promise) {
  try {
    await promise;
  } catch (error) {
    return refusal(error);
  }
  throw new Error(`${what} was accepted`);
}

/**
 * The checks an independent relying party makes: a login with max_age (openid-client requires
 * auth_time then) and refresh with rotation and replay; max_age=0 over a live session; and the
 * refusals: wrong verifier, reused code, unregistered redirect_uri, wrong secret, tampered state,
 * PKCE downgrade. Each answers {"ok": true, ...what was seen} or {"ok": false, "error"}.
 */
async function scenarios() {
  const server = await oidc.discovery(new URL(config.issuer), config.client_id, undefined, clientAuth());
  const authorization = async ({ pkce = true, max_age, redirect_uri = config.redirect_uri } = {}) => {
    const request = { verifier: oidc.randomPKCECodeVerifier(), state: oidc.randomState(), nonce: oidc.randomNonce(), max_age };
    const url = oidc.buildAuthorizationUrl(server, {
      redirect_uri,
      scope: config.scope,
      state: request.state,
      nonce: request.nonce,
      ...(pkce ? { code_challenge: await oidc.calculatePKCECodeChallenge(request.verifier), code_challenge_method: "S256" } : {}),
      ...(max_age !== undefined ? { max_age: String(max_age) } : {}),
    });
    return { request, url };
  };
  const exchange = (cfg, callback, request) =>
    oidc.authorizationCodeGrant(cfg, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
      ...(request.max_age !== undefined ? { maxAge: request.max_age } : {}),
      idTokenExpected: true,
    });
  const codeFlow = async (options) => {
    const { request, url } = await authorization(options);
    const { callback } = await newBrowser().signIn(url, config.user);
    return { request, callback };
  };

  const checks = {
    async login() {
      const { request, callback } = await codeFlow({ max_age: 300 });
      const tokens = await exchange(server, callback, request);
      const claims = tokens.claims();
      const userinfo = await oidc.fetchUserInfo(server, tokens.access_token, claims.sub);
      const result = { sub: claims.sub, aud: claims.aud, auth_time: claims.auth_time, scope: tokens.scope, userinfo_sub: userinfo.sub };
      if (!tokens.refresh_token) return { ...result, refresh: "none issued" };
      const rotated = await oidc.refreshTokenGrant(server, tokens.refresh_token);
      if (!rotated.refresh_token || rotated.refresh_token === tokens.refresh_token)
        throw new Error("refresh did not rotate the refresh token");
      const refreshed = rotated.claims();
      if (refreshed?.sub !== claims.sub || refreshed?.auth_time !== claims.auth_time)
        throw new Error(`the refreshed ID token has sub ${refreshed?.sub}, auth_time ${refreshed?.auth_time}`);
      await oidc.fetchUserInfo(server, rotated.access_token, claims.sub);
      const replay = await expectRefusal("the rotated (spent) refresh token", oidc.refreshTokenGrant(server, tokens.refresh_token));
      const successor = await expectRefusal(
        "the successor of a replayed refresh token",
        oidc.refreshTokenGrant(server, rotated.refresh_token),
      );
      return { ...result, refresh: { rotated: true, replay, successor_after_replay: successor } };
    },
    async max_age_0() {
      const browser = newBrowser();
      const first = await browser.signIn((await authorization()).url, config.user);
      if (!first.shown) throw new Error("the first login did not show the login page");
      const sso = await browser.signIn((await authorization()).url, config.user);
      const before = Math.floor(Date.now() / 1000);
      const { request, url } = await authorization({ max_age: 0 });
      const again = await browser.signIn(url, config.user);
      const tokens = await exchange(server, again.callback, request);
      return {
        sso_showed_login_page: sso.shown,
        max_age_0_showed_login_page: again.shown,
        auth_time_not_before_relogin: tokens.claims().auth_time >= before - 5,
      };
    },
    async wrong_verifier() {
      const { request, callback } = await codeFlow();
      return expectRefusal("a wrong code_verifier", exchange(server, callback, { ...request, verifier: oidc.randomPKCECodeVerifier() }));
    },
    async reused_code() {
      const { request, callback } = await codeFlow();
      await exchange(server, callback, request);
      return expectRefusal("a code used twice", exchange(server, callback, request));
    },
    async unregistered_redirect_uri() {
      const { url } = await authorization({ redirect_uri: config.unregistered_redirect_uri });
      const response = await fetch(url, { redirect: "manual" });
      if (response.headers.get("location")) throw new Error(`redirected to ${response.headers.get("location")}`);
      return { status: response.status, error_page: (await response.text()).includes("Callback URL mismatch") };
    },
    async wrong_secret() {
      const { request, callback } = await codeFlow();
      const wrong = config.auth === "basic" ? oidc.ClientSecretBasic(oidc.randomState()) : oidc.ClientSecretPost(oidc.randomState());
      const other = new oidc.Configuration(server.serverMetadata(), config.client_id, undefined, wrong);
      return expectRefusal("a wrong client secret", exchange(other, callback, request));
    },
    async tampered_state() {
      const { request, callback } = await codeFlow();
      callback.searchParams.set("state", oidc.randomState());
      return { detected: true, ...(await expectRefusal("an altered state", exchange(server, callback, request))) };
    },
    async pkce_downgrade() {
      const { request, callback } = await codeFlow({ pkce: false });
      return expectRefusal("a verifier for a code issued without a challenge", exchange(server, callback, request));
    },
  };
  const results = {};
  for (const [name, check] of Object.entries(checks)) {
    try {
      results[name] = { ok: true, ...(await check()) };
    } catch (error) {
      results[name] = { ok: false, error: `${error.name}: ${error.message}${error.cause ? ` (${JSON.stringify(error.cause)})` : ""}` };
    }
  }
  return results;
}

(config.scenarios ? scenarios() : main()).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error) => {
    process.stdout.write(
      `${JSON.stringify({ error: error.name ?? "Error", code: error.code, message: error.message, cause: error.cause?.message ?? error.cause })}\n`,
    );
    process.exitCode = 1;
  },
);
