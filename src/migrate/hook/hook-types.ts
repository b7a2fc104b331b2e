/**
 * The Hook types and how each becomes an Action, as data (Auth0's "Migrate from Hooks to
 * Actions" guide and the Hooks reference). Two readers use it in opposite directions, so they
 * cannot disagree:
 *   - the converter rewrites `client.metadata` into `event.client.metadata` (or builds a local
 *     `client` from the event when the Hook uses the object as a whole);
 *   - the parity harness builds the Hook's arguments from the same Action event.
 * A Hook field without a row here has no Action equivalent: the converter leaves a MIGRATION_TODO_*.
 */

import { relative } from "node:path";
import { RESERVED_NAMESPACE_DOMAINS } from "../../../actions/lib/claim-rules";
import { HOOK_TRIGGERS, triggerSpec } from "../../triggers";

/** The Hook types are the triggers a Hook could have (src/triggers.ts). */
export const HOOK_TYPES = HOOK_TRIGGERS;
export type HookType = (typeof HOOK_TYPES)[number];

/** One Hook parameter (other than `context` and the callback). */
export interface HookParam {
  /** Role name used in messages, e.g. "client". */
  readonly role: string;
  /** Hook path below the parameter → event path (a "?" after a segment: optional in the event). */
  readonly fields?: Readonly<Record<string, string>>;
  /** Expression (over `event`) for the whole value, when it is not an object of fields. */
  readonly value?: string;
  /** The value is mutable (an array the Hook may change): always copied into a local first. */
  readonly local?: boolean;
}

/** What `cb(null, response)` meant for this Hook type. */
export type ResponseKind = "access-token" | "registration" | "none";

/** The Action trigger that replaced a Hook type: its row in src/triggers.ts, as a converted handler sees it. */
interface ActionTrigger {
  /** Auth0's trigger id and version. */
  readonly trigger: string;
  readonly triggerVersion: string;
  readonly entryPoint: string;
  readonly apiType: string;
  /** The handler's type import, relative to actions/<trigger>/. */
  readonly typesModule: string;
}

function actionTrigger(id: string): ActionTrigger {
  const spec = triggerSpec(id);
  return {
    trigger: spec.id,
    triggerVersion: spec.version,
    entryPoint: spec.entryPoint,
    apiType: spec.apiType,
    typesModule: relative(spec.handlerDir, spec.typesModule),
  };
}

export interface HookKind extends ActionTrigger {
  readonly hookType: HookType;
  /** Parameters in Hook order, before `context, cb`. */
  readonly params: readonly HookParam[];
  /** `context.<path>` → event path. `webtask.secrets.*` is common to all and handled apart. */
  readonly context: Readonly<Record<string, string>>;
  readonly response: ResponseKind;
  /** Error classes the Hook runtime provided as globals, and what each meant. */
  readonly errors: Readonly<Record<string, HookErrorMeaning>>;
}

export type HookErrorMeaning =
  /** /oauth/token answered 400/500 with this OAuth error code (credentials exchange). */
  | { kind: "oauth"; code: "invalid_scope" | "invalid_request" | "server_error" }
  /** The signup was refused: (internal message, message for the user). */
  | { kind: "deny-signup" };

const CONNECTION_CONTEXT = {
  "connection.id": "connection.id",
  "connection.name": "connection.name",
  "connection.tenant": "tenant.id",
} as const;

/** The user a registration or password Hook received, after the user was created. */
const CREATED_USER_FIELDS = {
  id: "user.user_id",
  tenant: "tenant.id",
  username: "user.username",
  email: "user.email",
  emailVerified: "user.email_verified",
  phoneNumber: "user.phone_number",
  phoneNumberVerified: "user.phone_verified",
  user_metadata: "user.user_metadata",
  app_metadata: "user.app_metadata",
} as const;

export const HOOK_KINDS: Readonly<Record<HookType, HookKind>> = {
  "credentials-exchange": {
    hookType: "credentials-exchange",
    ...actionTrigger("credentials-exchange"),
    params: [
      { role: "client", fields: { id: "client.client_id", name: "client.name", tenant: "tenant.id", metadata: "client.metadata" } },
      // Documented as "array of strings ... or undefined": no scope granted gave undefined, not [].
      { role: "scope", value: "event.accessToken.scope.length > 0 ? [...event.accessToken.scope] : undefined", local: true },
      { role: "audience", value: "event.resource_server.identifier" },
    ],
    context: { body: "request.body", ip: "request.ip" },
    response: "access-token",
    errors: {
      InvalidScopeError: { kind: "oauth", code: "invalid_scope" },
      InvalidRequestError: { kind: "oauth", code: "invalid_request" },
      ServerError: { kind: "oauth", code: "server_error" },
    },
  },
  "pre-user-registration": {
    hookType: "pre-user-registration",
    ...actionTrigger("pre-user-registration"),
    params: [
      {
        role: "user",
        fields: {
          tenant: "tenant.id",
          username: "user.username",
          email: "user.email",
          phoneNumber: "user.phone_number",
          user_metadata: "user.user_metadata",
          app_metadata: "user.app_metadata",
        },
      },
    ],
    context: { ...CONNECTION_CONTEXT, requestLanguage: "request.language", ip: "request.ip" },
    response: "registration",
    errors: { PreUserRegistrationError: { kind: "deny-signup" } },
  },
  "post-user-registration": {
    hookType: "post-user-registration",
    ...actionTrigger("post-user-registration"),
    params: [{ role: "user", fields: CREATED_USER_FIELDS }],
    context: { ...CONNECTION_CONTEXT, requestLanguage: "request?.language" },
    response: "none",
    errors: {},
  },
  "post-change-password": {
    hookType: "post-change-password",
    ...actionTrigger("post-change-password"),
    params: [
      {
        role: "user",
        fields: { id: "user.user_id", username: "user.username", email: "user.email", last_password_reset: "user.last_password_reset" },
      },
    ],
    context: { ...CONNECTION_CONTEXT },
    response: "none",
    errors: {},
  },
  "send-phone-message": {
    hookType: "send-phone-message",
    ...actionTrigger("send-phone-message"),
    params: [
      { role: "recipient", value: "event.message_options.recipient" },
      { role: "text", value: "event.message_options.text" },
    ],
    context: {
      message_type: "message_options.message_type",
      action: "message_options.action",
      code: "message_options.code",
      language: "request.language",
      ip: "request.ip",
      user_agent: "request.user_agent",
      client_id: "client?.client_id",
      name: "client?.name",
      client_metadata: "client?.metadata",
      "user.user_id": "user.user_id",
      "user.email": "user.email",
      "user.phone_number": "user.phone_number",
      "user.user_metadata": "user.user_metadata",
      "user.app_metadata": "user.app_metadata",
    },
    response: "none",
    errors: {},
  },
};

export function isHookType(value: string): value is HookType {
  return (HOOK_TYPES as readonly string[]).includes(value);
}

/** The row for the longest prefix of `path` in a field table, with how many segments it covers. */
export function longestField(
  table: Readonly<Record<string, string>>,
  path: readonly string[],
): { target: string; length: number } | undefined {
  let best: { target: string; length: number } | undefined;
  for (const [hookPath, target] of Object.entries(table)) {
    const segments = hookPath.split(".");
    if (segments.length > path.length || (best && best.length >= segments.length)) continue;
    if (segments.every((s, i) => path[i] === s)) best = { target, length: segments.length };
  }
  return best;
}

/** Claim names the Hooks runtime put into the token: http(s) URLs whose host is not Auth0's own. */
export function isNamespacedClaim(name: string): boolean {
  let url: URL;
  try {
    url = new URL(name);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  const host = url.hostname.toLowerCase();
  return !RESERVED_NAMESPACE_DOMAINS.some((d) => host === d || host.endsWith(`.${d}`));
}

/** Exit of the Hook callback contract shared by runtime and converter: a truthy first argument is an error. */
export const HOOK_TIME_LIMIT_MS = 20_000;
