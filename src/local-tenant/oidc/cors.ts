/**
 * CORS for browser apps (SPAs): the token endpoint and /userinfo answer the origins a client lists
 * in web_origins, and the preflight (OPTIONS) says which methods and headers they may send.
 */
import type { FastifyInstance } from "fastify";
import type { OidcContext } from "./http";

const CORS_PATHS = new Set(["/oauth/token", "/userinfo"]);

export function registerCors(app: FastifyInstance, { model }: OidcContext): void {
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
}
