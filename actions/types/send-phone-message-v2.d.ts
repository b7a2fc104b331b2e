/**
 * Types of the Auth0 send-phone-message trigger, version 2 (runs instead of Auth0's SMS/voice
 * provider when an MFA code must reach a phone: the Action sends it), shaped like the official
 * `@auth0/actions/send-phone-message/v2` package:
 *   import type { Event, SendPhoneMessageAPI } from "@auth0/actions/send-phone-message/v2";
 */
import type { CacheAPI, Client, RequestBase, Tenant, UserBase } from "./common";

export type User = UserBase;

export interface MessageOptions {
  /** Why the message is sent. */
  action: "enrollment" | "second-factor-authentication";
  /** The one-time code the user must enter. */
  code: string;
  message_type: "sms" | "voice";
  /** The phone number to send to (E.164). */
  recipient: string;
  /** The message text Auth0 composed, code included. */
  text: string;
}

export interface Event {
  user: User;
  client?: Client;
  message_options: MessageOptions;
  request: RequestBase;
  secrets: Record<string, string>;
  tenant: Tenant;
}

export interface SendPhoneMessageAPI {
  cache: CacheAPI;
}

export type OnExecuteSendPhoneMessage = (event: Event, api: SendPhoneMessageAPI) => Promise<void> | void;
