/**
 * The local tenant's HTTP surface (moto's `urls`): one list of route areas, each a module of
 * routes and wire shapes for one area of Auth0's API. A new area is a new module added to
 * ROUTE_AREAS; what every request goes through (parsers, errors, the token gate) is http.ts.
 */
import type { FastifyInstance } from "fastify";
import { actionModulesRoutes } from "./action-modules";
import { actionsRoutes } from "./actions";
import type { RouteArea, RouteContext } from "./context";
import { registerHttp } from "./http";
import { localControlRoutes } from "./local-control";
import { loginRoutes } from "./login";
import { oauthRoutes } from "./oauth";
import { rulesHooksRoutes, seedRoutes } from "./rules-hooks";
import { oidcRoutes } from "../oidc/routes";
import { triggersRoutes } from "./triggers";
import { dbConnectionsRoutes } from "./dbconnections";
import { usersRoutes } from "./users";

export type { RouteArea, RouteContext } from "./context";

export const ROUTE_AREAS: ReadonlyArray<{ name: string; register: RouteArea }> = [
  { name: "oauth", register: oauthRoutes },
  { name: "actions", register: actionsRoutes },
  { name: "action modules", register: actionModulesRoutes },
  { name: "triggers and bindings", register: triggersRoutes },
  { name: "login and keys", register: loginRoutes },
  { name: "OIDC login: discovery, authorize, login page, userinfo", register: oidcRoutes },
  { name: "database signup (registration triggers)", register: dbConnectionsRoutes },
  { name: "users (password change)", register: usersRoutes },
  { name: "rules and hooks", register: rulesHooksRoutes },
  { name: "local control (health, faults)", register: localControlRoutes },
  { name: "local control (seed)", register: seedRoutes },
];

export function registerRoutes(app: FastifyInstance, ctx: RouteContext): void {
  registerHttp(app, ctx);
  for (const area of ROUTE_AREAS) area.register(app, ctx);
}
