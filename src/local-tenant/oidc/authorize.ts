/**
 * The browser side of the authorization code flow: GET /authorize (to the login page or, with a
 * session, straight back), the login page (GET and POST /u/login, one button per fixture user),
 * and the post-login flow that ends in a code for the application or the flow's error.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { LoginError, type LoginRequest } from "../login";
import type { AuthorizeTransaction, Session } from "./model";
import { formBody, redirect, sendErrorPage, SESSION_COOKIE, SESSION_COOKIE_OPTIONS, type OidcContext, type Req } from "./http";
import { loginPage } from "./pages";

const UNKNOWN_TRANSACTION = "The login transaction is unknown or has expired; start again from the application.";

export function registerAuthorize(app: FastifyInstance, ctx: OidcContext): void {
  const { model } = ctx;
  app.get("/authorize", async (request: Req, reply) => {
    // OAuth 2.0 (RFC 6749 3.1): a parameter sent twice is an error, not a list.
    const repeated = Object.entries(request.query as Record<string, unknown>).find(([, value]) => typeof value !== "string");
    if (repeated) return sendErrorPage(reply, "invalid_request", `Parameter ${repeated[0]} must be sent once`);
    const outcome = model.authorize(request.query);
    if (outcome.kind === "error-page") return sendErrorPage(reply, outcome.error, outcome.description);
    if (outcome.kind === "redirect-error")
      return redirect(reply, outcome.target, { error: outcome.error, error_description: outcome.description });
    const tx = outcome.transaction;
    const session = model.session(request.cookies[SESSION_COOKIE]);
    // Single sign-on: a live session skips the login page (Actions still run), unless the app asks
    // for a login (prompt=login) or a fresher one than the session's (max_age).
    if (session && !model.requiresLogin(tx, session)) return completeLogin(ctx, reply, request, tx, session);
    if (tx.prompt.includes("none")) {
      model.finish(tx.id);
      return redirect(reply, tx, { error: "login_required", error_description: "Login required" });
    }
    return reply.redirect(`/u/login?state=${encodeURIComponent(tx.id)}`, 302);
  });
}

export function registerLoginPage(app: FastifyInstance, ctx: OidcContext): void {
  const { model } = ctx;
  app.get("/u/login", async (request: Req, reply) => {
    const tx = model.transaction(request.query.state);
    if (!tx) return sendErrorPage(reply, "invalid_request", UNKNOWN_TRANSACTION);
    return sendLoginPage(ctx, reply, tx);
  });

  app.post("/u/login", async (request: Req, reply) => {
    const body = formBody(request.body);
    const tx = model.transaction(body.state);
    if (!tx) return sendErrorPage(reply, "invalid_request", UNKNOWN_TRANSACTION);
    const login = body.username ?? "";
    const user = login ? ctx.users.find(login) : undefined;
    if (!user) return sendLoginPage(ctx, reply.code(400), tx, "Wrong email or password.");
    // A new login replaces the browser's previous session (prompt=login, max_age, another user).
    model.endSession(request.cookies[SESSION_COOKIE]);
    const session = model.startSession(login, user.user_id);
    reply.setCookie(SESSION_COOKIE, session.id, {
      ...SESSION_COOKIE_OPTIONS,
      maxAge: Math.floor((session.expires_at - session.created_at) / 1000),
    });
    return completeLogin(ctx, reply, request, tx, session);
  });
}

function sendLoginPage(ctx: OidcContext, reply: FastifyReply, tx: AuthorizeTransaction, error?: string) {
  const users = ctx.users.logins().map((login) => {
    const u = ctx.users.find(login);
    return { login, ...(u?.name !== undefined ? { name: u.name } : {}), ...(u?.email !== undefined ? { email: u.email } : {}) };
  });
  return reply
    .type("text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .send(
      loginPage({
        state: tx.id,
        clientName: tx.client.name,
        users,
        ...(error ? { error } : {}),
        ...(tx.login_hint ? { loginHint: tx.login_hint } : {}),
      }),
    );
}

/** Runs the post-login flow for the session's user and answers the application: a code, or the flow's error. */
async function completeLogin(ctx: OidcContext, reply: FastifyReply, request: FastifyRequest, tx: AuthorizeTransaction, session: Session) {
  ctx.model.finish(tx.id);
  try {
    const auth = await ctx.login.authenticate({
      user: session.user_id,
      client_id: tx.client.client_id,
      client_name: tx.client.name,
      ...(tx.nonce !== undefined ? { nonce: tx.nonce } : {}),
      context: loginContext(request, tx, session),
    });
    const code = ctx.model.issueCode(tx, session, auth);
    return redirect(reply, tx, { code });
  } catch (error) {
    // A denied login (api.access.deny, a failing Action) goes back to the application, as on Auth0.
    if (error instanceof LoginError) return redirect(reply, tx, { error: error.error, error_description: error.description });
    throw error;
  }
}

/** What the post-login event says about this browser login: the transaction, the request, the session. */
function loginContext(request: FastifyRequest, tx: AuthorizeTransaction, session: Session): NonNullable<LoginRequest["context"]> {
  return {
    transaction: {
      id: tx.id,
      protocol: "oidc-basic-profile",
      redirect_uri: tx.redirect_uri,
      requested_scopes: tx.scope,
      response_mode: tx.response_mode,
      response_type: ["code"],
      ...(tx.state !== undefined ? { state: tx.state } : {}),
      ...(tx.prompt.length > 0 ? { prompt: tx.prompt } : {}),
      ...(tx.login_hint !== undefined ? { login_hint: tx.login_hint } : {}),
    },
    request: {
      method: request.method,
      query: tx.query,
      ...(typeof request.headers["user-agent"] === "string" ? { user_agent: request.headers["user-agent"] } : {}),
    },
    session: {
      id: session.id,
      created_at: new Date(session.created_at).toISOString(),
      authenticated_at: new Date(session.authenticated_at).toISOString(),
    },
  };
}
