// A relying party built on openid-client (ESM only, so it runs in its own Node process, which
// also lets it trust the local tenant's CA through NODE_EXTRA_CA_CERTS like any Node app would).
// It does what an app does: discovery, PKCE, state and nonce, the authorization URL, then, acting
// as the user's browser with plain fetch, follows /authorize to the login page and picks the user;
// then the code exchange (ID token validated by the library), and /userinfo.
// Input: RP_CONFIG = {"issuer","client_id","client_secret"?,"auth":"post"|"basic"|"none","redirect_uri","user","scope"}.
// Output: one JSON line {"claims","userinfo","scope","token_type"} or {"error","message"} (exit 1).
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

main().then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error) => {
    process.stdout.write(
      `${JSON.stringify({ error: error.name ?? "Error", code: error.code, message: error.message, cause: error.cause?.message ?? error.cause })}\n`,
    );
    process.exitCode = 1;
  },
);
