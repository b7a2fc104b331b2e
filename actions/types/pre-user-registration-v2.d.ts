/**
 * Types of the Auth0 pre-user-registration trigger, version 2 (runs before a database or
 * passwordless user is created, e.g. on POST /dbconnections/signup), shaped like the official
 * `@auth0/actions/pre-user-registration/v2` package:
 *   import type { Event, PreUserRegistrationAPI } from "@auth0/actions/pre-user-registration/v2";
 */
import type { CacheAPI, Client, Connection, Organization, RequestBase, SignupTransaction, Tenant } from "./common";

/** The user about to be created: no user_id yet, metadata as the signup request sent it. */
export interface User {
  email?: string;
  username?: string;
  phone_number?: string;
  name?: string;
  nickname?: string;
  given_name?: string;
  family_name?: string;
  picture?: string;
  app_metadata?: Record<string, unknown>;
  user_metadata?: Record<string, unknown>;
}

export interface Request extends RequestBase {
  query?: Record<string, unknown>;
  /** The signup request body (password removed). */
  body: Record<string, unknown>;
}

export interface Event {
  user: User;
  client?: Client;
  connection: Connection;
  request: Request;
  secrets: Record<string, string>;
  tenant: Tenant;
  transaction?: SignupTransaction;
  organization?: Organization;
}

export interface PreUserRegistrationAPI {
  access: {
    /**
     * Refuses the signup; no further Actions run. `reason` goes to tenant logs, `userMessage` may be
     * shown to the user (/dbconnections/signup answers 400 `extensibility_error`).
     */
    deny(reason: string, userMessage?: string): PreUserRegistrationAPI;
  };
  user: {
    /** Merged into the new user's app_metadata when it is created. */
    setAppMetadata(key: string, value: unknown): PreUserRegistrationAPI;
    setUserMetadata(key: string, value: unknown): PreUserRegistrationAPI;
  };
  validation: {
    /** Refuses the signup with a field-validation error code and message. */
    error(errorCode: string, errorMessage: string): PreUserRegistrationAPI;
  };
  cache: CacheAPI;
}

export type OnExecutePreUserRegistration = (event: Event, api: PreUserRegistrationAPI) => Promise<void> | void;
