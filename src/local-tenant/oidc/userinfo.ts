/** GET|POST /userinfo: the profile for an opaque access token from the token endpoint. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { OidcContext } from "./http";

export function registerUserinfo(app: FastifyInstance, ctx: OidcContext): void {
  app.get("/userinfo", async (request, reply) => userinfo(ctx, request, reply));
  app.post("/userinfo", async (request, reply) => userinfo(ctx, request, reply));
}

async function userinfo({ model, tokens }: OidcContext, request: FastifyRequest, reply: FastifyReply) {
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
