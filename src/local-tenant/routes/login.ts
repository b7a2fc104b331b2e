/** Logins and keys: POST /local/login and the JWKS (discovery and the OIDC login: ../oidc/, listed in ../oidc/routes.ts). */
import { LoginError } from "../login";
import type { Req, RouteArea } from "./context";

export const loginRoutes: RouteArea = (app, ctx) => {
  const { tokens } = ctx;
  app.post("/local/login", async (request: Req) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body.user !== "string" || body.user === "") {
      throw new LoginError(
        400,
        "invalid_request",
        'body must be {"user": "<login name, user_id or email>"} with optional client_id and nonce',
      );
    }
    // As Auth0 does for any login, the application must be registered (fixtures/clients/): an ID token
    // is never minted for an audience nobody registered.
    if (typeof body.client_id === "string" && ctx.oidc.clients.get(body.client_id) === undefined) {
      throw new LoginError(
        401,
        "invalid_client",
        `Unknown client: ${body.client_id}; registered applications: ${ctx.oidc.clients
          .list()
          .map((c) => c.client_id)
          .join(", ")}`,
      );
    }
    return ctx.login.login({
      user: body.user,
      ...(typeof body.client_id === "string" ? { client_id: body.client_id } : {}),
      ...(typeof body.nonce === "string" ? { nonce: body.nonce } : {}),
    });
  });

  app.get("/.well-known/jwks.json", () => tokens.jwks());
};
