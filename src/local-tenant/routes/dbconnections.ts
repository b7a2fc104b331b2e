/**
 * The authentication API's database signup: POST /dbconnections/signup, with the registration
 * triggers where Auth0 runs them:
 *   1. pre-user-registration (blocking): may set app/user metadata, or refuse the signup;
 *   2. the user is created in the database connection;
 *   3. post-user-registration (non-blocking): runs after the response; it cannot change it.
 * Answers as Auth0 does: 200 {_id, email, email_verified, ...}; a refusal is 400
 * {"error": "extensibility_error", "error_description": <userMessage, else reason>} (the body Auth0
 * returns for api.access.deny, per its community forum; docs/local-tenant.md lists it as reported, not recorded).
 */
import type { User as PreUser } from "../../../actions/types/pre-user-registration-v2";
import { DB_CONNECTION } from "../db-users";
import { LOCAL_APP } from "../login";
import { LOCAL_TRIGGERS, requestInfo } from "../trigger-events";
import { runDeployedFlow } from "../trigger-flow";
import type { Req, RouteArea } from "./context";

/** Auth0's signup errors: {"name": "BadRequestError", "code": ..., "description": ..., "statusCode": 400}. */
const badRequest = (code: string, description: string) => ({ name: "BadRequestError", code, description, statusCode: 400 });
const PROFILE_FIELDS = ["username", "name", "nickname", "given_name", "family_name", "picture"] as const;

export const dbConnectionsRoutes: RouteArea = (app, ctx) => {
  app.post("/dbconnections/signup", async (request: Req, reply) => {
    const body = (request.body && typeof request.body === "object" ? request.body : {}) as Record<string, unknown>;
    const text = (key: string) => (typeof body[key] === "string" ? body[key] : undefined);
    const email = text("email");
    const password = text("password");
    if (text("connection") !== DB_CONNECTION)
      return reply.code(400).send(badRequest("invalid_connection", `connection must be "${DB_CONNECTION}"`));
    if (!email || !/^[^@\s]+@[^@\s]+$/.test(email))
      return reply.code(400).send(badRequest("invalid_parameter", "email is required and must be an email address"));
    if (!password) return reply.code(400).send(badRequest("invalid_parameter", "password is required"));
    if (ctx.dbUsers.findByEmail(email)) return reply.code(400).send(badRequest("invalid_signup", "Invalid sign up"));
    const userMetadata =
      body.user_metadata && typeof body.user_metadata === "object" && !Array.isArray(body.user_metadata)
        ? (body.user_metadata as Record<string, unknown>)
        : {};
    const profile = Object.fromEntries(PROFILE_FIELDS.flatMap((k) => (text(k) !== undefined ? [[k, text(k)!]] : [])));
    const clientId = text("client_id");
    const client = clientId ? { client_id: clientId, name: clientId === LOCAL_APP.client_id ? LOCAL_APP.name : clientId } : undefined;
    const info = requestInfo(request);

    const preUser: PreUser = { email, ...profile, app_metadata: {}, user_metadata: structuredClone(userMetadata) };
    const pre = await runDeployedFlow(
      ctx.model,
      "pre-user-registration",
      { ...LOCAL_TRIGGERS["pre-user-registration"].event(info, client, preUser) },
      { runAction: ctx.runAction },
    );
    for (const line of pre.logs) ctx.log?.(`pre-user-registration: ${line}`);
    if (pre.denied)
      return reply.code(400).send({ error: "extensibility_error", error_description: pre.denied.userMessage ?? pre.denied.reason });
    if (pre.validationError)
      return reply.code(400).send({ error: pre.validationError.code, error_description: pre.validationError.message });
    if (pre.failure) return reply.code(400).send({ error: "extensibility_error", error_description: pre.failure });

    const user = ctx.dbUsers.create(
      { email, email_verified: false, ...profile, app_metadata: pre.appMetadata, user_metadata: { ...userMetadata, ...pre.userMetadata } },
      password,
    );
    // Non-blocking in Auth0: the response does not wait, and a failure only reaches the logs.
    void runDeployedFlow(
      ctx.model,
      "post-user-registration",
      { ...LOCAL_TRIGGERS["post-user-registration"].event(info, client, user) },
      { runAction: ctx.runAction },
    ).then((post) => {
      for (const line of post.logs) ctx.log?.(`post-user-registration: ${line}`);
      if (post.failure) ctx.log?.(`post-user-registration failed: ${post.failure}`);
    });
    return reply.send({
      _id: user.user_id.split("|")[1],
      email_verified: user.email_verified,
      email: user.email,
      ...profile,
      ...(Object.keys(user.user_metadata).length > 0 ? { user_metadata: user.user_metadata } : {}),
    });
  });
};
