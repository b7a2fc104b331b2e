/**
 * What the OIDC route modules share: their context, the session cookie, form bodies, the error
 * page, and the answer sent back to the application's callback.
 */
import type { CookieSerializeOptions } from "@fastify/cookie";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { LoginService } from "../login";
import type { TokenIssuer } from "../tokens";
import type { UserDirectory } from "../users";
import type { OidcModel, RedirectTarget } from "./model";
import { errorPage, formPostPage } from "./pages";

export interface OidcContext {
  model: OidcModel;
  login: LoginService;
  tokens: TokenIssuer;
  users: UserDirectory;
}

/** Auth0's session cookie name. */
export const SESSION_COOKIE = "auth0";
/** As Auth0 sets it: sent on cross-site requests (SameSite=None needs Secure), never readable by scripts. */
export const SESSION_COOKIE_OPTIONS: CookieSerializeOptions = { path: "/", httpOnly: true, secure: true, sameSite: "none" };

export type Req = FastifyRequest<{ Querystring: Record<string, string | undefined>; Body: unknown }>;

export function sendErrorPage(reply: FastifyReply, error: string, description: string) {
  return reply.code(400).type("text/html; charset=utf-8").header("cache-control", "no-store").send(errorPage(error, description));
}

/** Sends the answer to the application's callback in the transaction's response mode. */
export function redirect(reply: FastifyReply, target: RedirectTarget, params: Record<string, string>) {
  const fields = { ...params, ...(target.state !== undefined ? { state: target.state } : {}) };
  if (target.response_mode === "form_post") {
    return reply.type("text/html; charset=utf-8").header("cache-control", "no-store").send(formPostPage(target.redirect_uri, fields));
  }
  const encoded = new URLSearchParams(fields).toString();
  const url =
    target.response_mode === "fragment"
      ? `${target.redirect_uri.split("#")[0]}#${encoded}`
      : `${target.redirect_uri}${target.redirect_uri.includes("?") ? "&" : "?"}${encoded}`;
  return reply.redirect(url, 302);
}

/** The string fields of a form (or JSON) body; anything else is dropped. */
export function formBody(body: unknown): Record<string, string> {
  if (!body || typeof body !== "object" || Array.isArray(body)) return {};
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === "string"));
}
