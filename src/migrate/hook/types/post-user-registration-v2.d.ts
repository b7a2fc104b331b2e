import type { CacheAPI, Client, Connection, RequestBase, Tenant, UserBase } from "./common";
export interface Event {
  user: UserBase;
  client?: Client;
  connection: Connection;
  request?: RequestBase;
  secrets: Record<string, string>;
  tenant: Tenant;
}
export interface PostUserRegistrationAPI {
  cache: CacheAPI;
}
