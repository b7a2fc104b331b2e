/**
 * The OIDC endpoints of the local tenant (moto's `responses` + `urls` for login and discovery):
 *   GET  /.well-known/openid-configuration   discovery, Auth0's field names
 *   GET  /authorize                          authorization code flow (+ PKCE), to the login page or, with a session, straight back
 *   GET  /u/login?state=…, POST /u/login     the login page: one button per fixture user
 *   POST /oauth/token grant_type=authorization_code|refresh_token   (dispatched here by routes/oauth.ts)
 *   GET|POST /userinfo                       the profile for an access token
 *   GET  /v2/logout                          ends the session (Auth0's own logout)
 *   GET|POST /oidc/logout                    ends the session (OIDC RP-Initiated Logout, discovery's end_session_endpoint)
 * The rules live in model.ts; the post-login flow is LoginService's, the same code /local/login runs.
 */
import type { CookieSerializeOptions } from "@fastify/cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { LoginError, type LoginService } from "../login";
import type { TokenIssuer } from "../tokens";
import type { UserDirectory } from "../users";
import { OAuthError } from "../errors";
import type { RouteArea } from "../routes/context";
import {
  ACCESS_TOKEN_TTL_SECONDS,
  scopedProfile,
  type RedeemedCode,
  type AuthorizeTransaction,
  type OidcModel,
  type PresentedClient,
  type RedirectTarget,
  type Session,
} from "./model";
import { errorPage, formPostPage, loginPage } from "./pages";

export interface OidcContext {
  model: OidcModel;
  login: LoginService;
  tokens: TokenIssuer;
  users: UserDirectory;
}

const CORS_PATHS = new Set(["/oauth/token", "/userinfo"]);

/** Auth0's session cookie name. */
export const SESSION_COOKIE = "auth0";
/** As Auth0 sets it: sent on cross-site requests (SameSite=None needs Secure), never readable by scripts. */
const SESSION_COOKIE_OPTIONS: CookieSerializeOptions = { path: "/", httpOnly: true, secure: true, sameSite: "none" };

type Req = FastifyRequest<{ Querystring: Record<string, string | undefined>; Body: unknown }>;

/** The route area (routes/index.ts lists it). */
export const oidcRoutes: RouteArea = (app, ctx) =>
  registerOidcRoutes(app, { model: ctx.oidc, login: ctx.login, tokens: ctx.tokens, users: ctx.users });

export function registerOidcRoutes(app: FastifyInstance, ctx: OidcContext): void {
  const { model, tokens } = ctx;

  app.get("/.well-known/openid-configuration", () => Promise.resolve(discovery(tokens.issuer)));

  app.get("/authorize", async (request: Req, reply) => {
    // OAuth 2.0 (RFC 6749 3.1): a parameter sent twice is an error, not a list.
    const repeated = Object.entries(request.query as Record<string, unknown>).find(([, value]) => typeof value !== "string");
    if (repeated) return sendErrorPage(reply, "invalid_request", `Parameter ${repeated[0]} must be sent once`);
    const outcome = model.authorize(request.query);
    if (outcome.kind === "error-page") return sendErrorPage(reply, outcome.error, outcome.description);
    if (outcome.kind === "redirect-error")
      return redirect(reply, outcome.target, { error: outcome.error, error_description: outcome.description });
    const tx = outcome.transaction;
    const session = model.session(request.cookies[SESSION_COOKIE]);
    // Single sign-on: a live session skips the login page (Actions still run), unless the app asks
    // for a login (prompt=login) or a fresher one than the session's (max_age).
    if (session && !model.requiresLogin(tx, session)) return complete(reply, request, tx, session);
    if (tx.prompt.includes("none")) {
      model.finish(tx.id);
      return redirect(reply, tx, { error: "login_required", error_description: "Login required" });
    }
    return reply.redirect(`/u/login?state=${encodeURIComponent(tx.id)}`, 302);
  });

  app.get("/u/login", async (request: Req, reply) => {
    const tx = model.transaction(request.query.state);
    if (!tx)
      return sendErrorPage(reply, "invalid_request", "The login transaction is unknown or has expired; start again from the application.");
    return sendLoginPage(reply, tx);
  });

  app.post("/u/login", async (request: Req, reply) => {
    const body = formBody(request.body);
    const tx = model.transaction(body.state);
    if (!tx)
      return sendErrorPage(reply, "invalid_request", "The login transaction is unknown or has expired; start again from the application.");
    const login = body.username ?? "";
    const user = login ? ctx.users.find(login) : undefined;
    if (!user) return sendLoginPage(reply.code(400), tx, "Wrong email or password.");
    // A new login replaces the browser's previous session (prompt=login, max_age, another user).
    model.endSession(request.cookies[SESSION_COOKIE]);
    const session = model.startSession(login, user.user_id);
    reply.setCookie(SESSION_COOKIE, session.id, {
      ...SESSION_COOKIE_OPTIONS,
      maxAge: Math.floor((session.expires_at - session.created_at) / 1000),
    });
    return complete(reply, request, tx, session);
  });

  // CORS for browser apps (SPAs): the token endpoint and /userinfo answer the origins a client lists in web_origins.
  const allowedOrigin = (origin: string | undefined) =>
    origin && model.clients.list().some((c) => c.web_origins.includes(origin)) ? origin : undefined;
  app.addHook("onSend", (request, reply, payload, done) => {
    const path = request.url.split("?")[0];
    const origin = allowedOrigin(request.headers.origin);
    if (origin && CORS_PATHS.has(path)) reply.header("access-control-allow-origin", origin).header("vary", "Origin");
    done(null, payload);
  });
  for (const path of CORS_PATHS) {
    app.options(path, (request, reply) => {
      const origin = allowedOrigin(request.headers.origin);
      if (!origin)
        return reply
          .code(403)
          .send({ error: "access_denied", error_description: `Origin ${String(request.headers.origin)} is not allowed` });
      return reply
        .code(204)
        .header("access-control-allow-methods", "GET, POST, OPTIONS")
        .header("access-control-allow-headers", "Authorization, Content-Type, Auth0-Client")
        .header("access-control-max-age", "86400")
        .send();
    });
  }

  // OIDC RP-Initiated Logout 1.0, as Auth0's /oidc/logout: GET, and POST with a form (the spec asks for both).
  app.get("/oidc/logout", async (request: Req, reply) => oidcLogout(request, reply, request.query));
  app.post("/oidc/logout", async (request: Req, reply) => oidcLogout(request, reply, formBody(request.body)));

  app.get("/userinfo", async (request, reply) => userinfo(request, reply));
  app.post("/userinfo", async (request, reply) => userinfo(request, reply));

  app.get("/v2/logout", async (request: Req, reply) => {
    model.endSession(request.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, SESSION_COOKIE_OPTIONS);
    const returnTo = request.query.returnTo;
    const client = request.query.client_id ? model.clients.get(request.query.client_id) : undefined;
    // Only a URL the application registered; anything else would make the tenant an open redirect.
    if (returnTo && client?.allowed_logout_urls.includes(returnTo)) return reply.redirect(returnTo, 302);
    return reply.type("text/plain; charset=utf-8").send("OK");
  });

  async function oidcLogout(request: FastifyRequest, reply: FastifyReply, params: Record<string, string | undefined>) {
    const hint = params.id_token_hint ? await tokens.idTokenHint(params.id_token_hint) : undefined;
    const outcome = model.logout({
      ...(params.id_token_hint !== undefined ? { id_token_hint: params.id_token_hint } : {}),
      ...(hint ? { hint } : {}),
      ...(params.client_id !== undefined ? { client_id: params.client_id } : {}),
      ...(params.post_logout_redirect_uri !== undefined ? { post_logout_redirect_uri: params.post_logout_redirect_uri } : {}),
    });
    if (outcome.kind === "error-page") return sendErrorPage(reply, outcome.error, outcome.description);
    model.endSession(request.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, SESSION_COOKIE_OPTIONS);
    if (!outcome.redirect_uri) return reply.type("text/plain; charset=utf-8").header("cache-control", "no-store").send("OK");
    const url = new URL(outcome.redirect_uri);
    if (params.state !== undefined) url.searchParams.set("state", params.state);
    return reply.redirect(url.toString(), 302);
  }

  async function userinfo(request: FastifyRequest, reply: FastifyReply) {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "");
    const info = match ? model.userinfo(match[1]) : undefined;
    if (!info) {
      return reply
        .code(401)
        .header("www-authenticate", `Bearer realm="${tokens.issuer}", error="invalid_token", error_description="Invalid token"`)
        .type("text/plain; charset=utf-8")
        .send("Unauthorized");
    }
    return reply.header("cache-control", "no-store").send(info);
  }

  function sendLoginPage(reply: FastifyReply, tx: AuthorizeTransaction, error?: string) {
    const users = ctx.users.logins().map((login) => {
      const u = ctx.users.find(login);
      return { login, ...(u?.name !== undefined ? { name: u.name } : {}), ...(u?.email !== undefined ? { email: u.email } : {}) };
    });
    return reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .send(
        loginPage({
          state: tx.id,
          clientName: tx.client.name,
          users,
          ...(error ? { error } : {}),
          ...(tx.login_hint ? { loginHint: tx.login_hint } : {}),
        }),
      );
  }

  /** Runs the post-login flow for the session's user and answers the application: a code, or the flow's error. */
  async function complete(reply: FastifyReply, request: FastifyRequest, tx: AuthorizeTransaction, session: Session) {
    model.finish(tx.id);
    try {
      const auth = await ctx.login.authenticate({
        user: session.user_id,
        client_id: tx.client.client_id,
        client_name: tx.client.name,
        ...(tx.nonce !== undefined ? { nonce: tx.nonce } : {}),
        context: {
          transaction: {
            id: tx.id,
            protocol: "oidc-basic-profile",
            redirect_uri: tx.redirect_uri,
            requested_scopes: tx.scope,
            response_mode: tx.response_mode,
            response_type: ["code"],
            ...(tx.state !== undefined ? { state: tx.state } : {}),
            ...(tx.prompt.length > 0 ? { prompt: tx.prompt } : {}),
            ...(tx.login_hint !== undefined ? { login_hint: tx.login_hint } : {}),
          },
          request: {
            method: request.method,
            query: tx.query,
            ...(typeof request.headers["user-agent"] === "string" ? { user_agent: request.headers["user-agent"] } : {}),
          },
          session: {
            id: session.id,
            created_at: new Date(session.created_at).toISOString(),
            authenticated_at: new Date(session.authenticated_at).toISOString(),
          },
        },
      });
      const code = model.issueCode(tx, session, auth);
      return redirect(reply, tx, { code });
    } catch (error) {
      // A denied login (api.access.deny, a failing Action) goes back to the application, as on Auth0.
      if (error instanceof LoginError) return redirect(reply, tx, { error: error.error, error_description: error.description });
      throw error;
    }
  }
}

/** The authorization_code grant of POST /oauth/token. `body` is the parsed form or JSON body. */
export async function authorizationCodeGrant(
  ctx: Pick<OidcContext, "model" | "tokens">,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const body = formBody(request.body);
  return tokenEndpoint(ctx, request, reply, async (presented) => {
    const redeemed = ctx.model.redeemCode(presented, {
      ...(body.code !== undefined ? { code: body.code } : {}),
      ...(body.redirect_uri !== undefined ? { redirect_uri: body.redirect_uri } : {}),
      ...(body.code_verifier !== undefined ? { code_verifier: body.code_verifier } : {}),
    });
    // Auth0 issues a refresh token when the login asked for offline_access (and the client may use the grant).
    const refreshToken = redeemed.scope.includes("offline_access") ? ctx.model.issueRefreshToken(redeemed) : undefined;
    return tokenResponse(ctx, redeemed, refreshToken);
  });
}

/**
 * The refresh_token grant of POST /oauth/token: rotation with reuse detection (model.ts), then the
 * post-login Actions run again (event.transaction.protocol "oauth2-refresh-token", as on Auth0), so
 * the new tokens carry today's claims; a denial answers 403 access_denied.
 */
export async function refreshTokenGrant(
  ctx: Pick<OidcContext, "model" | "tokens" | "login">,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const body = formBody(request.body);
  return tokenEndpoint(ctx, request, reply, async (presented) => {
    const rotated = ctx.model.checkRefreshToken(presented, {
      ...(body.refresh_token !== undefined ? { refresh_token: body.refresh_token } : {}),
      ...(body.scope !== undefined ? { scope: body.scope } : {}),
    });
    const client = ctx.model.clients.get(rotated.client_id);
    const auth = await ctx.login.authenticate({
      user: rotated.user_id,
      client_id: rotated.client_id,
      ...(client ? { client_name: client.name } : {}),
      context: { transaction: { protocol: "oauth2-refresh-token", requested_scopes: rotated.scope } },
    });
    const redeemed: RedeemedCode = {
      client_id: rotated.client_id,
      scope: rotated.scope,
      session_id: rotated.session_id,
      auth,
      ...(rotated.auth_time !== undefined ? { auth_time: rotated.auth_time } : {}),
    };
    // Spent only now: a denial above leaves the app's refresh token as it was.
    return tokenResponse(ctx, redeemed, rotated.rotate());
  });
}

/** Runs one grant, answering its OAuthError as Auth0 does; a failed HTTP Basic authentication also gets WWW-Authenticate. */
async function tokenEndpoint(
  ctx: Pick<OidcContext, "tokens">,
  request: FastifyRequest,
  reply: FastifyReply,
  grant: (presented: PresentedClient) => Promise<Record<string, unknown>>,
): Promise<FastifyReply> {
  reply.header("cache-control", "no-store").header("pragma", "no-cache");
  let presented: PresentedClient | undefined;
  try {
    presented = presentedClient(request.headers.authorization, formBody(request.body));
    return reply.send(await grant(presented));
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    // RFC 6749 5.2: a client that authenticated with the Authorization header is told the scheme to use.
    if (error.statusCode === 401 && presented?.method === "client_secret_basic") {
      reply.header("www-authenticate", basicChallenge(ctx.tokens.issuer));
    }
    return reply.code(error.statusCode).send({ error: error.error, error_description: error.description });
  }
}

/** The WWW-Authenticate challenge of a 401 after HTTP Basic client authentication (RFC 7617). */
export function basicChallenge(issuer: string): string {
  return `Basic realm="${new URL(issuer).host}", charset="UTF-8"`;
}

/** The token response of both grants: an opaque access token for /userinfo, the ID token when openid was granted, the refresh token if any. */
async function tokenResponse(ctx: Pick<OidcContext, "model" | "tokens">, redeemed: RedeemedCode, refreshToken: string | undefined) {
  const { auth } = redeemed;
  const profile = scopedProfile(auth.profile, redeemed.scope);
  const claims = { ...profile, ...auth.id_claims };
  const accessToken = ctx.model.issueAccessToken(redeemed, { sub: auth.user_id, ...claims });
  const idToken = redeemed.scope.includes("openid")
    ? await ctx.tokens.idToken(
        { ...claims, sid: redeemed.session_id, ...(redeemed.auth_time !== undefined ? { auth_time: redeemed.auth_time } : {}) },
        auth.user_id,
        redeemed.client_id,
        redeemed.nonce,
      )
    : undefined;
  return {
    access_token: accessToken,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    ...(idToken ? { id_token: idToken } : {}),
    scope: redeemed.scope.join(" "),
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    token_type: "Bearer",
  };
}

/** How the client identified itself: HTTP Basic (client_secret_basic), form fields (client_secret_post), or only its id (public). */
export function presentedClient(authorization: string | undefined, body: Record<string, string>): PresentedClient {
  if (authorization !== undefined) {
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization.trim());
    const decoded = basic ? Buffer.from(basic[1], "base64").toString("utf8") : "";
    const colon = decoded.indexOf(":");
    if (colon < 0)
      throw new OAuthError(400, "invalid_request", "Malformed Authorization header: expected Basic base64(client_id:client_secret)");
    try {
      // RFC 6749 2.3.1: both parts are form-urlencoded before the base64.
      const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
      return { client_id: decode(decoded.slice(0, colon)), client_secret: decode(decoded.slice(colon + 1)), method: "client_secret_basic" };
    } catch {
      throw new OAuthError(400, "invalid_request", "Malformed Authorization header: the client id or secret is not valid URL encoding");
    }
  }
  if (body.client_secret !== undefined)
    return { client_id: body.client_id, client_secret: body.client_secret, method: "client_secret_post" };
  return { ...(body.client_id !== undefined ? { client_id: body.client_id } : {}), method: "none" };
}

/** Auth0's discovery document, limited to what this tenant implements (docs/local-tenant.md lists the rest). */
export function discovery(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}authorize`,
    token_endpoint: `${issuer}oauth/token`,
    userinfo_endpoint: `${issuer}userinfo`,
    jwks_uri: `${issuer}.well-known/jwks.json`,
    end_session_endpoint: `${issuer}oidc/logout`,
    scopes_supported: [
      "openid",
      "profile",
      "offline_access",
      "name",
      "given_name",
      "family_name",
      "nickname",
      "email",
      "email_verified",
      "picture",
      "created_at",
      "identities",
      "phone",
      "address",
    ],
    response_types_supported: ["code"],
    // Without it OIDC Discovery means ["authorization_code", "implicit"], and implicit is not implemented.
    grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
    code_challenge_methods_supported: ["S256", "plain"],
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    claims_supported: [
      "aud",
      "auth_time",
      "created_at",
      "email",
      "email_verified",
      "exp",
      "family_name",
      "given_name",
      "iat",
      "identities",
      "iss",
      "name",
      "nickname",
      "phone_number",
      "picture",
      "sub",
    ],
    request_uri_parameter_supported: false,
    request_parameter_supported: false,
  };
}

function sendErrorPage(reply: FastifyReply, error: string, description: string) {
  return reply.code(400).type("text/html; charset=utf-8").header("cache-control", "no-store").send(errorPage(error, description));
}

/** Sends the answer to the application's callback in the transaction's response mode. */
function redirect(reply: FastifyReply, target: RedirectTarget, params: Record<string, string>) {
  const fields = { ...params, ...(target.state !== undefined ? { state: target.state } : {}) };
  if (target.response_mode === "form_post") {
    return reply.type("text/html; charset=utf-8").header("cache-control", "no-store").send(formPostPage(target.redirect_uri, fields));
  }
  const encoded = new URLSearchParams(fields).toString();
  const url =
    target.response_mode === "fragment"
      ? `${target.redirect_uri.split("#")[0]}#${encoded}`
      : `${target.redirect_uri}${target.redirect_uri.includes("?") ? "&" : "?"}${encoded}`;
  return reply.redirect(url, 302);
}

function formBody(body: unknown): Record<string, string> {
  if (!body || typeof body !== "object" || Array.isArray(body)) return {};
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === "string"));
}
