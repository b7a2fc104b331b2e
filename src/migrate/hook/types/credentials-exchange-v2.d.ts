import type { CacheAPI, Client, RequestBase, Tenant } from "./common";
export interface Event {
  accessToken: { customClaims: Record<string, unknown>; scope: string[] };
  client: Client;
  request: RequestBase & { body: Record<string, unknown> };
  resource_server: { identifier: string };
  secrets: Record<string, string>;
  tenant: Tenant;
  transaction?: { requested_scopes: string[] };
}
export interface CredentialsExchangeAPI {
  access: { deny(code: "invalid_scope" | "invalid_request" | "server_error", reason?: string): CredentialsExchangeAPI };
  accessToken: { setCustomClaim(name: string, value: unknown): CredentialsExchangeAPI };
  cache: CacheAPI;
}
