/**
 * The Hook types and how each becomes an Action, as data: for every Hook argument Auth0 documents
 * (each Hook type's starter code in the Hooks reference; docs/hook-fields.md lists each row with
 * its source), where the Action's event holds the same value. The converter rewrites
 * `client.metadata` into `event.client.metadata` (or builds a local `client` from the event when
 * the Hook uses the object as a whole). The parity harness does NOT read this table: it gives the
 * Hook its documented arguments on its own (src/parity/hook/hook-shapes.ts), so a wrong row here
 * shows up as a difference instead of being reproduced on both sides.
 * A Hook field without a row here has no Action equivalent: the converter leaves a MIGRATION_TODO_*.
 */

import { relative } from "node:path";
import { RESERVED_NAMESPACE_DOMAINS } from "../../../actions/lib/claim-rules";
import { HOOK_TRIGGERS, triggerSpec } from "../../triggers";

/** The Hook types are the triggers a Hook could have (src/triggers.ts). */
export const HOOK_TYPES = HOOK_TRIGGERS;
export type HookType = (typeof HOOK_TYPES)[number];

/**
 * Where a Hook field's value is in the Action's event: an event path ("user.email"; a "?" after a
 * segment: optional in the event), or, when the Hook saw the value in another form, an
 * expression over `event` that gives it that form.
 */
export type EventSource = string | { readonly expression: string; /** What the expression does, for messages. */ readonly why: string };

/** One Hook parameter (other than `context` and the callback). */
export interface HookParam {
  /** Role name used in messages, e.g. "client". */
  readonly role: string;
  /** Hook path below the parameter → where the event holds it. */
  readonly fields?: Readonly<Record<string, EventSource>>;
  /** Expression (over `event`) for the whole value, when it is not an object of fields. */
  readonly value?: string;
  /** The value is mutable (an array the Hook may change): always copied into a local first. */
  readonly local?: boolean;
  /** Documented fields the Action's event does not carry → why (a read is a TODO saying so). */
  readonly missing?: Readonly<Record<string, string>>;
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
  /** `context.<path>` → where the event holds it. `webtask.secrets.*` is common to all and handled apart. */
  readonly context: Readonly<Record<string, EventSource>>;
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

/**
 * The database Hooks' `user.id` is the id without its connection prefix ("user GUID without
 * "auth0|" database prefix", Auth0's post-user-registration starter code; post-change-password's
 * sample shows "abc123"). The Action's `event.user.user_id` has the prefix ("auth0|abc123"):
 * everything up to the first "|" is dropped, as the Hooks runtime did.
 */
const ID_WITHOUT_PREFIX: EventSource = {
  expression: 'event.user.user_id.replace(/^[^|]*\\|/, "")',
  why: 'without its "<connection>|" prefix, as the Hook saw it',
};

/** The user a registration or password Hook received, after the user was created. */
const CREATED_USER_FIELDS = {
  id: ID_WITHOUT_PREFIX,
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
    // The starter code documents only context.webtask; the token request's body was there too
    // (context.body, read by Hooks in use) and is event.request.body in the Action.
    context: { body: "request.body" },
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
        missing: {
          password: "the Action's event never carries the signup's password",
          emailVerified: "the Action's event has no verification flag before the user exists",
          phoneNumberVerified: "the Action's event has no verification flag before the user exists",
        },
      },
    ],
    context: {
      ...CONNECTION_CONTEXT,
      // The earlier starter code's name for the application agent's language; the later one's is request.language.
      requestLanguage: "request.language",
      "request.language": "request.language",
      // "ip address (in IPv6 format ...)": an IPv4 client appeared IPv4-mapped (::ffff:a.b.c.d).
      "request.ip": {
        expression: 'event.request.ip.includes(":") ? event.request.ip : `::ffff:${event.request.ip}`',
        why: "in IPv6 form (an IPv4 address IPv4-mapped), as the Hook saw it",
      },
    },
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
        fields: { id: ID_WITHOUT_PREFIX, username: "user.username", email: "user.email", last_password_reset: "user.last_password_reset" },
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
      "client.client_id": "client?.client_id",
      "client.name": "client?.name",
      "client.client_metadata": "client?.metadata",
      // This Hook's user_id kept its prefix (the documented example: "auth0|test12345").
      "user.user_id": "user.user_id",
      "user.name": "user.name",
      "user.email": "user.email",
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
  table: Readonly<Record<string, EventSource>>,
  path: readonly string[],
): { target: EventSource; length: number } | undefined {
  let best: { target: EventSource; length: number } | undefined;
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
