/**
 * The Action triggers this repository can declare, bundle, deploy, review, promote and run:
 * one row per trigger, nothing about a trigger written anywhere else. Adding a trigger is one
 * row here plus its types module under actions/types/ (see README "Everyday tasks").
 *
 * Ids and versions are Auth0's (GET /api/v2/actions/triggers). Every id must also be one the
 * pinned provider accepts in auth0_trigger_action(s).trigger (checked by __tests__/triggers).
 */

export interface TriggerSpec {
  /** Auth0's trigger id, e.g. "post-login": the flow key in tenant files and the binding's `trigger`. */
  readonly id: string;
  /** The trigger version the Action is built for (auth0_action.supported_triggers.version). */
  readonly version: string;
  /** The function the handler exports and Auth0 calls, e.g. "onExecutePostLogin". */
  readonly entryPoint: string;
  /** Folder of the handlers, relative to the repository: "actions/<id>". */
  readonly handlerDir: string;
  /** Types module of the event and api objects, relative to the repository (without ".d.ts"). */
  readonly typesModule: string;
  /** Name of the api type exported by the types module, e.g. "PostLoginAPI". */
  readonly apiType: string;
  /**
   * true: the flow waits for the Actions and their outcome changes the response (deny, claims).
   * false: Auth0 runs them after responding; nothing they do reaches the caller.
   */
  readonly blocking: boolean;
  /** Where Auth0 runs the trigger, for documentation and the local tenant. */
  readonly runsOn: string;
}

function trigger(id: string, version: string, entryPoint: string, apiType: string, blocking: boolean, runsOn: string): TriggerSpec {
  return { id, version, entryPoint, handlerDir: `actions/${id}`, typesModule: `actions/types/${id}-${version}`, apiType, blocking, runsOn };
}

export const TRIGGERS = [
  trigger("post-login", "v3", "onExecutePostLogin", "PostLoginAPI", true, "every login and refresh-token exchange"),
  trigger(
    "credentials-exchange",
    "v2",
    "onExecuteCredentialsExchange",
    "CredentialsExchangeAPI",
    true,
    "client_credentials grants at /oauth/token",
  ),
  trigger(
    "pre-user-registration",
    "v2",
    "onExecutePreUserRegistration",
    "PreUserRegistrationAPI",
    true,
    "before a database user is created (/dbconnections/signup)",
  ),
  trigger(
    "post-user-registration",
    "v2",
    "onExecutePostUserRegistration",
    "PostUserRegistrationAPI",
    false,
    "after a database user is created",
  ),
  trigger(
    "post-change-password",
    "v2",
    "onExecutePostChangePassword",
    "PostChangePasswordAPI",
    false,
    "after a database user's password changes",
  ),
  trigger(
    "send-phone-message",
    "v2",
    "onExecuteSendPhoneMessage",
    "SendPhoneMessageAPI",
    true,
    "when an MFA code must be sent by SMS or voice",
  ),
] as const satisfies readonly TriggerSpec[];

export type TriggerId = (typeof TRIGGERS)[number]["id"];

export const TRIGGER_IDS: readonly TriggerId[] = TRIGGERS.map((t) => t.id);

/** The trigger of the claims Action, first in its flow. */
export const POST_LOGIN: TriggerId = "post-login";

export function isTriggerId(id: string): id is TriggerId {
  return TRIGGER_IDS.includes(id);
}

/** The row for `id`; throws with the allowed ids when there is none. */
export function triggerSpec(id: string): TriggerSpec {
  const spec = TRIGGERS.find((t) => t.id === id);
  if (!spec) throw new Error(`unknown Action trigger "${id}"; must be one of: ${TRIGGER_IDS.join(", ")} (src/triggers.ts)`);
  return spec;
}

/** Terraform-safe form of a trigger id or handler ("post-login" → "post_login"). */
export function terraformName(name: string): string {
  return name.replace(/-/g, "_");
}

/** The triggers a Hook could have (Auth0's Hooks extensibility points), each replaced by the Action trigger of the same id. */
export const HOOK_TRIGGERS = [
  "credentials-exchange",
  "pre-user-registration",
  "post-user-registration",
  "post-change-password",
  "send-phone-message",
] as const satisfies readonly TriggerId[];
