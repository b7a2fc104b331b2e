/** Logins, keys and discovery: POST /local/login, the JWKS and the OpenID configuration. */
import { LoginError } from "../login";
import type { Req, RouteArea } from "./context";

export const loginRoutes: RouteArea = (app, ctx) => {
  const { tokens } = ctx;
  app.post("/local/login", async (request: Req) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body.user !== "string" || body.user === "") {
      throw new LoginError(400, "invalid_request", 'body must be {"user": "<login name, user_id or email>"} with optional client_id and nonce');
    }
    return ctx.login.login({
      user: body.user,
      ...(typeof body.client_id === "string" ? { client_id: body.client_id } : {}),
      ...(typeof body.nonce === "string" ? { nonce: body.nonce } : {}),
    });
  });

  app.get("/.well-known/jwks.json", async () => tokens.jwks());

  app.get("/.well-known/openid-configuration", async () => ({
    issuer: tokens.issuer,
    jwks_uri: `${tokens.issuer}.well-known/jwks.json`,
    token_endpoint: `${tokens.issuer}oauth/token`,
    response_types_supported: ["id_token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
  }));
};
