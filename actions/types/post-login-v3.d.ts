/**
 * Types of the Auth0 post-login trigger, version 3, shaped like the official
 * `@auth0/actions/post-login/v3` package (which the npm registry used here does not serve).
 * Switching to the official package is a one-line change in each handler:
 *   import type { Event, PostLoginAPI } from "@auth0/actions/post-login/v3";
 * Only what handlers in this repository and the local tenant use is modelled in detail;
 * everything else is present with its official name so code that compiles here compiles there.
 */

export interface Identity {
  connection: string;
  isSocial: boolean;
  provider: string;
  user_id: string;
  userId: string;
  profileData?: Record<string, unknown>;
}

export interface User {
  user_id: string;
  email?: string;
  email_verified: boolean;
  name?: string;
  nickname?: string;
  given_name?: string;
  family_name?: string;
  picture?: string;
  phone_number?: string;
  phone_verified?: boolean;
  username?: string;
  created_at: string;
  updated_at: string;
  last_password_reset?: string;
  /** Editable only by the application and the Management API: safe to turn into claims. */
  app_metadata: Record<string, unknown>;
  /** Editable by the user themself: never trust it for authorization claims. */
  user_metadata: Record<string, unknown>;
  identities: Identity[];
  multifactor?: string[];
  enrolledFactors?: Array<{ type: string; options?: Record<string, unknown> }>;
}

export interface GeoIp {
  cityName?: string;
  continentCode?: string;
  countryCode?: string;
  countryCode3?: string;
  countryName?: string;
  latitude?: number;
  longitude?: number;
  subdivisionCode?: string;
  subdivisionName?: string;
  timeZone?: string;
}

export interface Request {
  ip: string;
  method: string;
  hostname?: string;
  language?: string;
  user_agent?: string;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  geoip: GeoIp;
  asn?: string;
}

export interface Client {
  client_id: string;
  name: string;
  metadata: Record<string, string>;
}

export interface Connection {
  id: string;
  name: string;
  strategy: string;
  metadata?: Record<string, string>;
}

export interface Transaction {
  id?: string;
  acr_values: string[];
  locale: string;
  login_hint?: string;
  prompt?: string[];
  protocol?: string;
  redirect_uri?: string;
  requested_scopes: string[];
  response_mode?: string;
  response_type?: string[];
  state?: string;
  ui_locales: string[];
}

export interface Organization {
  id: string;
  name: string;
  display_name: string;
  metadata: Record<string, string>;
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

export interface CustomClaimSetter<Api> {
  /** Sets a custom claim. A restricted name or an auth0.com / webtask.io / webtask.run namespace is silently ignored by Auth0. */
  setCustomClaim(name: string, value: unknown): Api;
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
  cache: {
    get(key: string): { value: string; expires_at?: number } | undefined;
    set(key: string, value: string, options?: { ttl?: number; expires_at?: number }): { type: "success" } | { type: "error"; code: string };
    delete(key: string): { type: "success" } | { type: "error"; code: string };
  };
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
