/**
 * Ending the browser's session: GET /v2/logout (Auth0's own logout) and GET|POST /oidc/logout
 * (OIDC RP-Initiated Logout 1.0, discovery's end_session_endpoint). The rules are model.ts's.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { formBody, sendErrorPage, SESSION_COOKIE, SESSION_COOKIE_OPTIONS, type OidcContext, type Req } from "./http";

export function registerLogout(app: FastifyInstance, ctx: OidcContext): void {
  const { model } = ctx;
  // As Auth0's /oidc/logout: GET, and POST with a form (the spec asks for both).
  app.get("/oidc/logout", async (request: Req, reply) => oidcLogout(ctx, request, reply, request.query));
  app.post("/oidc/logout", async (request: Req, reply) => oidcLogout(ctx, request, reply, formBody(request.body)));

  app.get("/v2/logout", async (request: Req, reply) => {
    model.endSession(request.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, SESSION_COOKIE_OPTIONS);
    const returnTo = request.query.returnTo;
    const client = request.query.client_id ? model.clients.get(request.query.client_id) : undefined;
    // Only a URL the application registered; anything else would make the tenant an open redirect.
    if (returnTo && client?.allowed_logout_urls.includes(returnTo)) return reply.redirect(returnTo, 302);
    return reply.type("text/plain; charset=utf-8").send("OK");
  });
}

async function oidcLogout(
  { model, tokens }: OidcContext,
  request: FastifyRequest,
  reply: FastifyReply,
  params: Record<string, string | undefined>,
) {
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
