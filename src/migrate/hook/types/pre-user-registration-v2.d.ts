import type { CacheAPI, Client, Connection, RequestBase, Tenant } from "./common";
export interface User {
  email?: string;
  username?: string;
  phone_number?: string;
  name?: string;
  app_metadata?: Record<string, unknown>;
  user_metadata?: Record<string, unknown>;
}
export interface Event {
  user: User;
  client?: Client;
  connection: Connection;
  request: RequestBase & { body: Record<string, unknown>; query?: Record<string, unknown> };
  secrets: Record<string, string>;
  tenant: Tenant;
}
export interface PreUserRegistrationAPI {
  access: { deny(reason: string, userMessage?: string): PreUserRegistrationAPI };
  user: {
    setAppMetadata(key: string, value: unknown): PreUserRegistrationAPI;
    setUserMetadata(key: string, value: unknown): PreUserRegistrationAPI;
  };
  validation: { error(errorCode: string, errorMessage: string): PreUserRegistrationAPI };
  cache: CacheAPI;
}
