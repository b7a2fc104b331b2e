/** Parts of the Actions event/api shared by the Hook replacement triggers (Auth0's Actions reference). */
export interface GeoIp {
  cityName?: string;
  continentCode?: string;
  countryCode?: string;
  countryCode3?: string;
  countryName?: string;
  latitude?: number;
  longitude?: number;
  timeZone?: string;
}
export interface RequestBase {
  ip: string;
  method: string;
  hostname?: string;
  language?: string;
  user_agent?: string;
  geoip: GeoIp;
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
export interface Tenant {
  id: string;
}
export type CacheWriteResult = { type: "success" } | { type: "error"; code: string };
export interface CacheAPI {
  get(key: string): { value: string; expires_at?: number } | undefined;
  set(key: string, value: string, options?: { ttl?: number; expires_at?: number }): CacheWriteResult;
  delete(key: string): CacheWriteResult;
}
export interface UserBase {
  user_id: string;
  email?: string;
  email_verified: boolean;
  name?: string;
  phone_number?: string;
  phone_verified?: boolean;
  username?: string;
  created_at: string;
  updated_at: string;
  last_password_reset?: string;
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
}
