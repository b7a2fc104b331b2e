import type { CacheAPI, Connection, RequestBase, Tenant, UserBase } from "./common";
export interface Event {
  user: UserBase;
  connection: Connection;
  request: RequestBase;
  secrets: Record<string, string>;
  tenant: Tenant;
}
export interface PostChangePasswordAPI {
  cache: CacheAPI;
}
