/**
 * Parts of the Actions `event` and `api` objects that Auth0 documents identically for every
 * trigger, shaped like the official `@auth0/actions` package. Each trigger's module
 * (actions/types/<trigger>-<version>.d.ts) imports what it uses from here.
 */

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

export interface Identity {
  connection: string;
  isSocial: boolean;
  provider: string;
  user_id: string;
  userId: string;
  profileData?: Record<string, unknown>;
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

export interface Organization {
  id: string;
  name: string;
  display_name: string;
  metadata: Record<string, string>;
}

export interface CustomClaimSetter<Api> {
  /** Sets a custom claim. A restricted name or an auth0.com / webtask.io / webtask.run namespace is silently ignored by Auth0. */
  setCustomClaim(name: string, value: unknown): Api;
}

/** event.request for triggers that run inside an HTTP request (no `query`/`body` unless documented). */
export interface RequestBase {
  ip: string;
  method: string;
  hostname?: string;
  language?: string;
  user_agent?: string;
  geoip: GeoIp;
  asn?: string;
}

export interface Tenant {
  /** The tenant name. */
  id: string;
}

/** event.transaction for the browser flows (signup). */
export interface SignupTransaction {
  acr_values: string[];
  locale: string;
  login_hint?: string;
  prompt?: string[];
  redirect_uri?: string;
  requested_scopes: string[];
  response_mode?: string;
  response_type?: string[];
  state?: string;
  ui_locales: string[];
}

export type CacheWriteResult = { type: "success" } | { type: "error"; code: string };

export interface CacheRecord {
  value: string;
  /** Milliseconds since the Unix epoch. */
  expires_at?: number;
}

/** api.cache: best-effort, per trigger, short-lived (default 15 minutes). */
export interface CacheAPI {
  get(key: string): CacheRecord | undefined;
  set(key: string, value: string, options?: { ttl?: number; expires_at?: number }): CacheWriteResult;
  delete(key: string): CacheWriteResult;
}

/** The profile fields every trigger's user has (post-login adds MFA factors, the others nothing). */
export interface UserProfile {
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
}

/** A database or social user as the registration and password triggers see it after creation. */
export interface UserBase extends UserProfile {
  identities: Array<Omit<Identity, "profileData">>;
}
