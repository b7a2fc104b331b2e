/**
 * Parts of the Actions `event` and `api` objects that Auth0 documents identically for every
 * trigger, shaped like the official `@auth0/actions` package. Each trigger's module
 * (actions/types/<trigger>-<version>.d.ts) re-exports what it uses from here.
 */
export type { GeoIp, Client, Connection, Organization, Identity, CustomClaimSetter } from "./post-login-v3";
import type { GeoIp } from "./post-login-v3";

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

/** A database or social user as the registration and password triggers see it after creation. */
export interface UserBase {
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
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
  identities: Array<{ connection: string; isSocial: boolean; provider: string; user_id: string; userId: string }>;
}
