/**
 * The authentication API's token endpoint: client credentials for the Management API (the way the
 * provider obtains its token) or the local API, after the credentials-exchange flow (client-credentials.ts);
 * the OIDC grants (authorization_code, refresh_token) are oidc/token.ts's.
 */
import { authorizationCodeGrant, basicChallenge, refreshTokenGrant } from "../oidc/token";
import { clientCredentialsGrant } from "../client-credentials";
import { LOCAL_API, secretMatches } from "../tokens";
import { requestInfo } from "../trigger-events";
import type { Req, RouteArea } from "./context";

export const oauthRoutes: RouteArea = (app, ctx) => {
  const { tokens } = ctx;
  app.post("/oauth/token", async (request: Req, reply) => {
    const body = (request.body ?? {}) as Record<string, string>;
    if (body.grant_type === "authorization_code") return authorizationCodeGrant({ model: ctx.oidc, tokens }, request, reply);
    if (body.grant_type === "refresh_token") return refreshTokenGrant({ model: ctx.oidc, tokens, login: ctx.login }, request, reply);
    if (body.grant_type !== "client_credentials") {
      return reply
        .code(403)
        .send({ error: "unsupported_grant_type", error_description: `Unsupported grant type: ${String(body.grant_type)}` });
    }
    const presented = clientFromRequest(request, body);
    if (!presented || presented.client_id !== ctx.client.client_id || !secretMatches(presented.client_secret, ctx.client.client_secret)) {
      // RFC 6749 5.2: a client that tried HTTP Basic is told the scheme in WWW-Authenticate.
      if (/^Basic\s/i.test(request.headers.authorization ?? "")) reply.header("www-authenticate", basicChallenge(tokens.issuer));
      return reply.code(401).send({ error: "access_denied", error_description: "Unauthorized" });
    }
    const audience = body.audience ?? tokens.managementAudience;
    if (audience !== tokens.managementAudience && audience !== LOCAL_API.identifier) {
      return reply.code(403).send({ error: "access_denied", error_description: `Service not enabled within domain: ${audience}` });
    }
    // Runs the credentials-exchange flow; a deny or a failing Action throws OAuthError (answered by http.ts).
    return reply.send(await clientCredentialsGrant(ctx, requestInfo(request), presented.client_id, audience));
  });
};

/** Client authentication as RFC 6749 §2.3.1 allows it: HTTP Basic (form-encoded parts) or body parameters. */
export function clientFromRequest(request: Req, body: Record<string, string>): { client_id: string; client_secret: string } | undefined {
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? "");
  if (basic) {
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return undefined;
    try {
      const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
      return { client_id: decode(decoded.slice(0, colon)), client_secret: decode(decoded.slice(colon + 1)) };
    } catch {
      // Broken percent-encoding: credentials that match nobody, not a server error.
      return undefined;
    }
  }
  if (typeof body.client_id === "string" && typeof body.client_secret === "string")
    return { client_id: body.client_id, client_secret: body.client_secret };
  return undefined;
}
