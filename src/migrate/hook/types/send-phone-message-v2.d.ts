import type { CacheAPI, Client, RequestBase, Tenant, UserBase } from "./common";
export interface Event {
  user: UserBase;
  client?: Client;
  message_options: {
    action: "enrollment" | "second-factor-authentication";
    code: string;
    message_type: "sms" | "voice";
    recipient: string;
    text: string;
  };
  request: RequestBase;
  secrets: Record<string, string>;
  tenant: Tenant;
}
export interface SendPhoneMessageAPI {
  cache: CacheAPI;
}
