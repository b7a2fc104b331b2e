/**
 * Management API: /api/v2/users/{id} for the users signup created (db-users.ts). PATCH with a
 * `password` is the local tenant's password change, and runs the post-change-password flow after
 * answering, as Auth0 does (non-blocking). Auth0's /dbconnections/change_password only sends a reset
 * email; the Management API change is the one a program can complete (docs/local-tenant.md).
 */
import { TenantError } from "../errors";
import { userView } from "../db-users";
import { LOCAL_TRIGGERS, requestInfo } from "../trigger-events";
import { runDeployedFlow } from "../trigger-flow";
import type { Req, RouteArea } from "./context";
import { objectBody } from "./http";

export const usersRoutes: RouteArea = (app, ctx) => {
  const find = (id: string) => {
    const user = ctx.dbUsers.get(decodedOnce(id));
    if (!user) throw new TenantError(404, "inexistent_user", "The user does not exist.");
    return user;
  };

  app.get("/api/v2/users/:id", (request: Req) => userView(find(request.params.id)));

  app.patch("/api/v2/users/:id", (request: Req) => {
    const user = find(request.params.id);
    const body = objectBody(request.body);
    const unsupported = Object.keys(body).filter((k) => k !== "password" && k !== "connection");
    if (unsupported.length > 0)
      throw new TenantError(
        400,
        "invalid_body",
        `Payload validation error: the local tenant changes only 'password' (not ${unsupported.join(", ")}).`,
      );
    if (typeof body.password !== "string" || body.password.length < 8) {
      throw new TenantError(400, "invalid_body", "PasswordStrengthError: Password is too weak (at least 8 characters).");
    }
    const updated = ctx.dbUsers.setPassword(user.user_id, body.password);
    void runDeployedFlow(
      ctx.model,
      "post-change-password",
      { ...LOCAL_TRIGGERS["post-change-password"].event(requestInfo(request), updated) },
      { runAction: ctx.runAction },
    ).then((flow) => {
      for (const line of flow.logs) ctx.log?.(`post-change-password: ${line}`);
      if (flow.failure) ctx.log?.(`post-change-password failed: ${flow.failure}`);
    });
    return userView(updated);
  });
};

/** Fastify has decoded the path parameter already; a second decode of a literal "%" must not become a 500. */
function decodedOnce(id: string): string {
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}
