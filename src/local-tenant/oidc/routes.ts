/**
 * The OIDC endpoints of the local tenant (moto's `responses` + `urls` for login and discovery), one
 * module per responsibility:
 *   discovery.ts   GET /.well-known/openid-configuration: discovery, Auth0's field names
 *   authorize.ts   GET /authorize: authorization code flow (+ PKCE), to the login page or, with a
 *                  session, straight back; GET and POST /u/login: one button per fixture user
 *   token.ts       POST /oauth/token grant_type=authorization_code|refresh_token (dispatched there
 *                  by routes/oauth.ts, which owns the endpoint)
 *   cors.ts        CORS of /oauth/token and /userinfo for the origins a client lists in web_origins
 *   userinfo.ts    GET|POST /userinfo: the profile for an access token
 *   logout.ts      GET /v2/logout (Auth0's own logout), GET|POST /oidc/logout (RP-Initiated Logout)
 *   http.ts        what they share: the context, the session cookie, the error page, the redirect
 * The rules live in model.ts; the post-login flow is LoginService's, the same code /local/login runs.
 */
import type { FastifyInstance } from "fastify";
import type { RouteArea } from "../routes/context";
import { registerAuthorize, registerLoginPage } from "./authorize";
import { registerCors } from "./cors";
import { registerDiscovery } from "./discovery";
import type { OidcContext } from "./http";
import { registerLogout } from "./logout";
import { registerUserinfo } from "./userinfo";

/** The route area (routes/index.ts lists it). */
export const oidcRoutes: RouteArea = (app, ctx) =>
  registerOidcRoutes(app, { model: ctx.oidc, login: ctx.login, tokens: ctx.tokens, users: ctx.users });

function registerOidcRoutes(app: FastifyInstance, ctx: OidcContext): void {
  registerDiscovery(app, ctx);
  registerAuthorize(app, ctx);
  registerLoginPage(app, ctx);
  registerCors(app, ctx);
  registerUserinfo(app, ctx);
  registerLogout(app, ctx);
}
