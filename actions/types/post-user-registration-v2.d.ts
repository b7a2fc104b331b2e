/**
 * Types of the Auth0 post-user-registration trigger, version 2 (runs after a user is created;
 * asynchronous: its outcome never changes the signup response), shaped like the official
 * `@auth0/actions/post-user-registration/v2` package:
 *   import type { Event, PostUserRegistrationAPI } from "@auth0/actions/post-user-registration/v2";
 */
import type { CacheAPI, Client, Connection, Organization, RequestBase, SignupTransaction, Tenant, UserBase } from "./common";

export type User = UserBase;

export interface Event {
  user: User;
  client?: Client;
  connection: Connection;
  request?: RequestBase;
  secrets: Record<string, string>;
  tenant: Tenant;
  transaction?: SignupTransaction;
  organization?: Organization;
}

export interface PostUserRegistrationAPI {
  cache: CacheAPI;
}

export type OnExecutePostUserRegistration = (event: Event, api: PostUserRegistrationAPI) => Promise<void> | void;
