/**
 * What applies to every request before a route area sees it: body parsers, the error handler
 * (every error leaves in Auth0's shape, errors.ts), the 404 for unknown routes, the request log,
 * and the Management API's gate (a valid bearer token, then any injected fault).
 */
import type { FastifyInstance } from "fastify";
import { OAuthError, sendError, TenantError } from "../errors";
import type { RouteContext } from "./context";

export function registerHttp(app: FastifyInstance, ctx: RouteContext): void {
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  // The provider posts /deploy with no body; an empty JSON body is "no body", not an error.
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new TenantError(400, "invalid_body", "Invalid request payload JSON format"), undefined);
    }
  });

  app.addHook("onResponse", async (request, reply) => {
    ctx.onRequest?.({ method: request.method, path: request.url, status: reply.statusCode });
  });

  app.setErrorHandler((caught, _request, reply) => {
    const error = caught instanceof Error ? caught : new Error(String(caught));
    if (error instanceof TenantError) return sendError(reply, error.statusCode, error.message, error.errorCode);
    if (error instanceof OAuthError) return reply.code(error.statusCode).send({ error: error.error, error_description: error.description });
    if ((error as { statusCode?: number }).statusCode === 413) return sendError(reply, 400, "Payload too large", "invalid_body");
    if ((error as { statusCode?: number }).statusCode === 400) return sendError(reply, 400, error.message, "invalid_body");
    return sendError(reply, 500, `Internal error: ${error.message}`, "internal_error");
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, "Not Found"));

  // Management API: a valid bearer token first, then any injected fault, then the tenant.
  app.addHook("onRequest", async (request, reply) => {
    const path = request.url.split("?")[0];
    const isApi = path.startsWith("/api/v2/");
    const isControl = path.startsWith("/local/faults") || path.startsWith("/local/seed");
    if (!isApi && !isControl) return;
    const header = request.headers.authorization;
    if (!header) return sendError(reply, 401, "Missing authentication", "missing_authentication");
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    try {
      if (!match) throw new Error("not a bearer token");
      await ctx.tokens.verifyManagementToken(match[1]);
    } catch {
      return sendError(reply, 401, "Invalid token", "invalid_token");
    }
    if (isApi) {
      const fault = ctx.faults.match(request.method, path);
      if (fault) return reply.code(fault.status).headers(fault.headers).send(fault.body);
    }
    return undefined;
  });
}

/** The JSON object a Management API body must be. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw new TenantError(400, "invalid_body", "Payload validation error: the body must be a JSON object.");
  return body as Record<string, unknown>;
}
