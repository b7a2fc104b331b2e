/**
 * The OIDC grants of POST /oauth/token (dispatched here by routes/oauth.ts): authorization_code
 * (+ PKCE) and refresh_token (rotation with reuse detection, the post-login Actions run again),
 * client authentication as the client presented it, and the token response of both.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { OAuthError } from "../errors";
import { formBody, type OidcContext } from "./http";
import { ACCESS_TOKEN_TTL_SECONDS, scopedProfile, type PresentedClient, type RedeemedCode } from "./model";

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
