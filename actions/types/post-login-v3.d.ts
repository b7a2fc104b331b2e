/**
 * Types of the Auth0 post-login trigger, version 3, shaped like the official
 * `@auth0/actions/post-login/v3` package (which the npm registry used here does not serve).
 * Switching to the official package is a one-line change in each handler:
 *   import type { Event, PostLoginAPI } from "@auth0/actions/post-login/v3";
 * Only what handlers in this repository and the local tenant use is modelled in detail;
 * everything else is present with its official name so code that compiles here compiles there.
 */
import type {
  CacheAPI,
  Client,
  Connection,
  CustomClaimSetter,
  Identity,
  Organization,
  RequestBase,
  SignupTransaction,
  UserProfile,
} from "./common";
export type { Client, Connection, CustomClaimSetter, GeoIp, Identity, Organization } from "./common";

export interface User extends UserProfile {
  identities: Identity[];
  multifactor?: string[];
  enrolledFactors?: Array<{ type: string; options?: Record<string, unknown> }>;
}

export interface Request extends RequestBase {
  query: Record<string, unknown>;
  body: Record<string, unknown>;
}

export interface Transaction extends SignupTransaction {
  id?: string;
  protocol?: string;
}

export interface Event {
  user: User;
  client: Client;
  connection: Connection;
  request: Request;
  tenant: { id: string };
  stats: { logins_count: number };
  secrets: Record<string, string>;
  authentication?: { methods: Array<{ name: string; timestamp: string }> };
  authorization?: { roles: string[] };
  organization?: Organization;
  resource_server?: { identifier: string };
  session?: { id: string; created_at?: string; authenticated_at?: string };
  transaction?: Transaction;
}

export interface PostLoginAPI {
  access: { deny(reason: string): PostLoginAPI };
  accessToken: CustomClaimSetter<PostLoginAPI> & {
    addScope(scope: string): PostLoginAPI;
    removeScope(scope: string): PostLoginAPI;
  };
  idToken: CustomClaimSetter<PostLoginAPI>;
  user: {
    setAppMetadata(key: string, value: unknown): PostLoginAPI;
    setUserMetadata(key: string, value: unknown): PostLoginAPI;
  };
  multifactor: {
    enable(provider: string, options?: { allowRememberBrowser?: boolean; providerOptions?: Record<string, unknown> }): PostLoginAPI;
  };
  redirect: {
    sendUserTo(url: string, options?: { query?: Record<string, string> }): PostLoginAPI;
    encodeToken(options: { secret: string; payload: Record<string, unknown>; expiresInSeconds?: number }): string;
    validateToken(options: { secret: string; tokenParameterName?: string }): Record<string, unknown>;
  };
  cache: CacheAPI;
  authentication: {
    setPrimaryUser(primaryUserId: string): PostLoginAPI;
    recordMethod(providerUrl: string): PostLoginAPI;
    challengeWith(factor: { type: string }, options?: { additionalFactors?: Array<{ type: string }> }): void;
    enrollWith(factor: { type: string }, options?: { additionalFactors?: Array<{ type: string }> }): void;
  };
  samlResponse: {
    setAttribute(attribute: string, value: unknown): void;
    setAudience(audience: string): void;
    setIssuer(issuer: string): void;
    setRecipient(recipient: string): void;
    setLifetimeInSeconds(seconds: number): void;
  };
  rules: { wasExecuted(ruleId: string): boolean };
}

export type OnExecutePostLogin = (event: Event, api: PostLoginAPI) => Promise<void> | void;
export type OnContinuePostLogin = (event: Event, api: PostLoginAPI) => Promise<void> | void;
