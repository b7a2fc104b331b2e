/**
 * Types of the Auth0 post-change-password trigger, version 2 (runs after a database user's
 * password is changed or reset; asynchronous: it cannot undo the change), shaped like the
 * official `@auth0/actions/post-change-password/v2` package:
 *   import type { Event, PostChangePasswordAPI } from "@auth0/actions/post-change-password/v2";
 */
import type { CacheAPI, Connection, RequestBase, Tenant, UserBase } from "./common";

export type User = UserBase;

export interface Event {
  user: User;
  connection: Connection;
  request: RequestBase;
  secrets: Record<string, string>;
  tenant: Tenant;
  transaction?: { id?: string; locale?: string };
}

export interface PostChangePasswordAPI {
  cache: CacheAPI;
}

export type OnExecutePostChangePassword = (event: Event, api: PostChangePasswordAPI) => Promise<void> | void;
