/**
 * Types of the Auth0 credentials-exchange trigger, version 2 (machine-to-machine: runs on a
 * `client_credentials` grant at /oauth/token before the access token is issued), shaped like
 * the official `@auth0/actions/credentials-exchange/v2` package. Switching to it is one import:
 *   import type { Event, CredentialsExchangeAPI } from "@auth0/actions/credentials-exchange/v2";
 */
import type { CacheAPI, Client, Organization, RequestBase, Tenant } from "./common";

export interface Request extends RequestBase {
  /** The form body of the token request (client_secret removed). */
  body: Record<string, unknown>;
}

export interface Event {
  /** What the token will carry before this flow changes it. */
  accessToken: { customClaims: Record<string, unknown>; scope: string[] };
  client: Client;
  request: Request;
  resource_server: { identifier: string };
  secrets: Record<string, string>;
  tenant: Tenant;
  transaction?: { requested_scopes: string[] };
  organization?: Organization;
  custom_domain?: { domain: string; domain_metadata: Record<string, string> };
}

/** The OAuth error codes Auth0 accepts in api.access.deny for this trigger. */
export type CredentialsExchangeDenyCode = "invalid_scope" | "invalid_request" | "server_error";

export interface CredentialsExchangeAPI {
  access: {
    /** Refuses the token: /oauth/token answers with `{ error: code, error_description: reason }`. */
    deny(code: CredentialsExchangeDenyCode, reason?: string): CredentialsExchangeAPI;
  };
  accessToken: {
    /** Restricted names and auth0.com / webtask.io / webtask.run namespaces are silently ignored, as in post-login. */
    setCustomClaim(name: string, value: unknown): CredentialsExchangeAPI;
  };
  cache: CacheAPI;
  /**
   * Early Access in Auth0 (not on every tenant): changes the scopes of the token. The target set is
   * intersected with the client grant after every Action ran; scopes outside the grant are dropped.
   */
  transaction?: {
    addTargetScope(scope: string): CredentialsExchangeAPI;
    removeTargetScope(scope: string): CredentialsExchangeAPI;
    setTargetScopes(scopes: string[]): CredentialsExchangeAPI;
    clearTargetScopes(): CredentialsExchangeAPI;
  };
}

export type OnExecuteCredentialsExchange = (event: Event, api: CredentialsExchangeAPI) => Promise<void> | void;
