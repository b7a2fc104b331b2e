/**
 * The Action triggers this repository can declare, bundle, deploy, review, promote and run:
 * one row per trigger, nothing about a trigger written anywhere else but its types module
 * (actions/types/) and the local tenant's entry (src/local-tenant/trigger-events.ts), which the
 * compiler asks for. docs/adding-a-trigger.md is the checklist.
 *
 * Ids and versions are Auth0's (GET /api/v2/actions/triggers). Every id must also be one the
 * pinned provider accepts in auth0_trigger_action(s).trigger (checked by __tests__/triggers).
 *
 * This module is the bottom layer: it imports only the Action types, never the local tenant,
 * the sandbox or a runtime.
 */
import type { CacheAPI } from "../actions/types/common";
import type { CredentialsExchangeAPI, CredentialsExchangeDenyCode } from "../actions/types/credentials-exchange-v2";
import type { PostChangePasswordAPI } from "../actions/types/post-change-password-v2";
import type { PostUserRegistrationAPI } from "../actions/types/post-user-registration-v2";
import type { PreUserRegistrationAPI } from "../actions/types/pre-user-registration-v2";
import type { SendPhoneMessageAPI } from "../actions/types/send-phone-message-v2";

/** What an Action on a trigger other than post-login asked for. Fields a trigger's api cannot set stay empty. */
export interface TriggerOutcome {
  trigger: TriggerId;
  /** api.accessToken.setCustomClaim (credentials-exchange). */
  accessTokenClaims: Record<string, unknown>;
  /** api.transaction.*TargetScope (credentials-exchange, Early Access): the target set, when an Action changed it. */
  targetScopes?: string[];
  /** api.user.setAppMetadata / setUserMetadata (pre-user-registration). */
  appMetadata: Record<string, unknown>;
  userMetadata: Record<string, unknown>;
  /** api.access.deny: credentials-exchange (code, reason); pre-user-registration (reason, userMessage). */
  denied?: { code?: string; reason: string; userMessage?: string };
  /** api.validation.error (pre-user-registration). */
  validationError?: { code: string; message: string };
  logs: string[];
  /** Set when the code failed to load, did not export the entry point, threw, or ran over the time limit. */
  error?: string;
}

/**
 * Builds a trigger's `api` that records each call into `outcome`, typed by the trigger's types
 * module so a method the official api lacks is a compile error. `cache` is the run's api.cache.
 */
export type RecordingApi = (outcome: TriggerOutcome, cache: CacheAPI) => object;

export interface TriggerSpec {
  /** Auth0's trigger id, e.g. "post-login": the flow key in tenant files and the binding's `trigger`. */
  readonly id: string;
  /** The trigger version the Action is built for (auth0_action.supported_triggers.version). */
  readonly version: string;
  /** Every version Auth0 accepts for this trigger (the local tenant accepts the same), `version` among them. */
  readonly auth0Versions: readonly string[];
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
  /**
   * The `api` methods Auth0 documents for the trigger, by path (Auth0's Actions reference, the latest
   * version). The sandbox builds the `api` object from this list, so a typo such as
   * `api.idToken.setCustomClam` is a TypeError inside the Action, as on Auth0, and is never recorded.
   * Which of them answer with a value (cache, redirect tokens, rules.wasExecuted) is decided inside
   * the sandbox (child/bootstrap.cjs, `returning`); every other method returns `api` for chaining.
   */
  readonly apiMethods: readonly string[];
  /**
   * The recording `api` tests, parity and the local tenant replay calls onto. null only for
   * post-login, whose outcome has its own shape (recordingApi in src/actions-runtime/run-post-login.ts).
   */
  readonly recordingApi: RecordingApi | null;
}

/** A row as written: only post-login may go without a recording api. */
type Row = Omit<TriggerSpec, "handlerDir" | "typesModule" | "recordingApi"> &
  ({ readonly id: "post-login"; readonly recordingApi: null } | { readonly recordingApi: RecordingApi });

const CACHE = ["cache.get", "cache.set", "cache.delete"] as const;

/** Auth0 accepts only these codes; anything else is the Action's bug, reported as Auth0's server_error. */
const DENY_CODES: readonly CredentialsExchangeDenyCode[] = ["invalid_scope", "invalid_request", "server_error"];

/** The rows as written; TRIGGERS adds what follows from the id and version. */
const ROWS = [
  {
    id: "post-login",
    version: "v3",
    auth0Versions: ["v1", "v2", "v3"],
    entryPoint: "onExecutePostLogin",
    apiType: "PostLoginAPI",
    blocking: true,
    runsOn: "every login and refresh-token exchange",
    apiMethods: [
      "access.deny",
      "accessToken.setCustomClaim",
      "accessToken.addScope",
      "accessToken.removeScope",
      "authentication.challengeWith",
      "authentication.challengeWithAny",
      "authentication.enrollWith",
      "authentication.enrollWithAny",
      "authentication.recordMethod",
      "authentication.setPrimaryUser",
      ...CACHE,
      "idToken.setCustomClaim",
      "multifactor.enable",
      "redirect.encodeToken",
      "redirect.sendUserTo",
      "redirect.validateToken",
      "rules.wasExecuted",
      "samlResponse.setAttribute",
      "samlResponse.setAudience",
      "samlResponse.setIssuer",
      "samlResponse.setRecipient",
      "samlResponse.setLifetimeInSeconds",
      "user.setAppMetadata",
      "user.setUserMetadata",
    ],
    recordingApi: null,
  },
  {
    id: "credentials-exchange",
    version: "v2",
    auth0Versions: ["v1", "v2"],
    entryPoint: "onExecuteCredentialsExchange",
    apiType: "CredentialsExchangeAPI",
    blocking: true,
    runsOn: "client_credentials grants at /oauth/token",
    apiMethods: [
      "access.deny",
      "accessToken.setCustomClaim",
      "transaction.addTargetScope",
      "transaction.removeTargetScope",
      "transaction.setTargetScopes",
      "transaction.clearTargetScopes",
      ...CACHE,
    ],
    recordingApi: (outcome, cache) => {
      const target = () => (outcome.targetScopes ??= []);
      const api: CredentialsExchangeAPI = {
        access: {
          deny: (code, reason) => {
            outcome.denied ??= DENY_CODES.includes(code)
              ? { code, reason: String(reason ?? "") }
              : { code: "server_error", reason: `api.access.deny: invalid code "${String(code)}"` };
            return api;
          },
        },
        accessToken: { setCustomClaim: (name, value) => ((outcome.accessTokenClaims[name] = value), api) },
        cache,
        transaction: {
          addTargetScope: (scope) => (target().includes(scope) || target().push(scope), api),
          removeTargetScope: (scope) => ((outcome.targetScopes = target().filter((s) => s !== scope)), api),
          setTargetScopes: (scopes) => ((outcome.targetScopes = [...new Set(scopes.map(String))]), api),
          clearTargetScopes: () => ((outcome.targetScopes = []), api),
        },
      };
      return api;
    },
  },
  {
    id: "pre-user-registration",
    version: "v2",
    auth0Versions: ["v1", "v2"],
    entryPoint: "onExecutePreUserRegistration",
    apiType: "PreUserRegistrationAPI",
    blocking: true,
    runsOn: "before a database user is created (/dbconnections/signup)",
    apiMethods: ["access.deny", "user.setAppMetadata", "user.setUserMetadata", "validation.error", ...CACHE],
    recordingApi: (outcome, cache) => {
      const api: PreUserRegistrationAPI = {
        access: {
          deny: (reason, userMessage) => (
            (outcome.denied ??= { reason: String(reason), ...(userMessage !== undefined ? { userMessage: String(userMessage) } : {}) }),
            api
          ),
        },
        user: {
          setAppMetadata: (key, value) => ((outcome.appMetadata[key] = value), api),
          setUserMetadata: (key, value) => ((outcome.userMetadata[key] = value), api),
        },
        validation: { error: (code, message) => ((outcome.validationError ??= { code: String(code), message: String(message) }), api) },
        cache,
      };
      return api;
    },
  },
  {
    id: "post-user-registration",
    version: "v2",
    auth0Versions: ["v1", "v2"],
    entryPoint: "onExecutePostUserRegistration",
    apiType: "PostUserRegistrationAPI",
    blocking: false,
    runsOn: "after a database user is created",
    apiMethods: [...CACHE],
    recordingApi: (_outcome, cache) => ({ cache }) satisfies PostUserRegistrationAPI,
  },
  {
    id: "post-change-password",
    version: "v2",
    auth0Versions: ["v1", "v2"],
    entryPoint: "onExecutePostChangePassword",
    apiType: "PostChangePasswordAPI",
    blocking: false,
    runsOn: "after a database user's password changes",
    apiMethods: [...CACHE],
    recordingApi: (_outcome, cache) => ({ cache }) satisfies PostChangePasswordAPI,
  },
  {
    id: "send-phone-message",
    version: "v2",
    auth0Versions: ["v1", "v2"],
    entryPoint: "onExecuteSendPhoneMessage",
    apiType: "SendPhoneMessageAPI",
    blocking: true,
    runsOn: "when an MFA code must be sent by SMS or voice",
    apiMethods: [...CACHE],
    recordingApi: (_outcome, cache) => ({ cache }) satisfies SendPhoneMessageAPI,
  },
] as const satisfies readonly Row[];

export type TriggerId = (typeof ROWS)[number]["id"];

export const TRIGGERS = ROWS.map((row) => ({
  ...row,
  handlerDir: `actions/${row.id}`,
  typesModule: `actions/types/${row.id}-${row.version}`,
})) satisfies readonly TriggerSpec[];

export const TRIGGER_IDS: readonly TriggerId[] = TRIGGERS.map((t) => t.id);

/**
 * Triggers Auth0 accepts that this repository does not build Actions for, with the versions
 * Auth0 accepts (GET /api/v2/actions/triggers). The local tenant accepts them as Auth0 does.
 */
export const OTHER_AUTH0_TRIGGERS: Readonly<Record<string, readonly string[]>> = {
  "password-reset-post-challenge": ["v1"],
  "custom-email-provider": ["v1"],
  "custom-phone-provider": ["v1"],
  "login-post-identifier": ["v1"],
  "signup-post-identifier": ["v1"],
};

/** Every trigger Auth0 accepts and its versions, the table's rows first: [id, versions] in a fixed order. */
export const AUTH0_TRIGGER_VERSIONS: readonly (readonly [string, readonly string[]])[] = [
  ...TRIGGERS.map((t) => [t.id, t.auth0Versions] as const),
  ...Object.entries(OTHER_AUTH0_TRIGGERS),
];

/** The trigger of the claims Action, first in its flow. */
export const POST_LOGIN: TriggerId = "post-login";

export function isTriggerId(id: string): id is TriggerId {
  return (TRIGGER_IDS as readonly string[]).includes(id);
}

/** The row for `id`; throws with the allowed ids when there is none. */
export function triggerSpec(id: string): TriggerSpec {
  const spec = TRIGGERS.find((t) => t.id === id);
  if (!spec) throw new Error(`unknown Action trigger "${id}"; must be one of: ${TRIGGER_IDS.join(", ")} (src/triggers.ts)`);
  return spec;
}

/** The api methods of a trigger; undefined when the id is not a trigger of the table. */
export function apiMethodsOf(id: string): readonly string[] | undefined {
  return isTriggerId(id) ? triggerSpec(id).apiMethods : undefined;
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
