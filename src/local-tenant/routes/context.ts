/**
 * What every route area is given: the tenant's parts. A route area is a function
 * `(app, ctx) => void` registered in index.ts; it translates HTTP to model calls and back.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { DeployedActionRunner } from "../action-runner";
import type { DbUsers } from "../db-users";
import type { Faults } from "../faults";
import type { LoginService } from "../login";
import type { TenantModel } from "../model";
import type { RulesHooksModel } from "../rules-hooks";
import type { OidcModel } from "../oidc/model";
import type { UserDirectory } from "../users";
import type { ClientCredentials, TokenIssuer } from "../tokens";

export interface RouteContext {
  model: TenantModel;
  /** Rules and Hooks (stored and served, never run). */
  rulesHooks: RulesHooksModel;
  tokens: TokenIssuer;
  client: ClientCredentials;
  login: LoginService;
  /** Runs the deployed Actions of the non-login flows (signup, password change, client credentials). */
  runAction?: DeployedActionRunner;
  faults: Faults;
  /** Users of the database connection (signup, password changes). */
  dbUsers: DbUsers;
  /** Lines for the tenant's log: what Actions printed, non-blocking flows that failed. */
  log?: (line: string) => void;
  /** The fixture users (the login page lists them). */
  users: UserDirectory;
  /** Clients, login transactions, sessions, codes and access tokens of the OIDC login (oidc/). */
  oidc: OidcModel;
  /** Every answered request, for tests and the optional request log. */
  onRequest?: (entry: { method: string; path: string; status: number }) => void;
}

export type RouteArea = (app: FastifyInstance, ctx: RouteContext) => void;

export type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string>; Body: unknown }>;
