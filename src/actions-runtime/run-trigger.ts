/**
 * Runs deployed Action code of any trigger the way Auth0's runtime calls it: the module is
 * evaluated in a fresh vm context (run-post-login.ts's loader), then the trigger's entry point
 * (src/triggers.ts, e.g. onExecuteCredentialsExchange) is awaited with the event and a recording
 * `api` of that trigger's official shape. Like runPostLogin this records what the Action *asked*
 * for; the caller (the local tenant, tests, parity) decides what Auth0 would do with it.
 */
import type { CacheAPI } from "../../actions/types/common";
import type { CredentialsExchangeAPI, CredentialsExchangeDenyCode } from "../../actions/types/credentials-exchange-v2";
import type { PostChangePasswordAPI } from "../../actions/types/post-change-password-v2";
import type { PostUserRegistrationAPI } from "../../actions/types/post-user-registration-v2";
import type { PreUserRegistrationAPI } from "../../actions/types/pre-user-registration-v2";
import type { SendPhoneMessageAPI } from "../../actions/types/send-phone-message-v2";
import { triggerSpec, type TriggerId } from "../triggers";
import { ACTION_TIME_LIMIT_MS, instantiate, runPostLogin, type PostLoginOutcome, type RunOptions } from "./run-post-login";

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

export type AnyOutcome = ({ trigger: "post-login" } & PostLoginOutcome) | TriggerOutcome;

export function emptyTriggerOutcome(trigger: TriggerId): TriggerOutcome {
  return { trigger, accessTokenClaims: {}, appMetadata: {}, userMetadata: {}, logs: [] };
}

/** Runs one Action of `trigger` once. Never throws. */
export async function runTriggerAction(trigger: TriggerId, code: string, event: unknown, options: RunOptions = {}): Promise<AnyOutcome> {
  if (trigger === "post-login") return { trigger, ...(await runPostLogin(code, event as Parameters<typeof runPostLogin>[1], options)) };
  const outcome = emptyTriggerOutcome(trigger);
  const { entryPoint } = triggerSpec(trigger);
  const timeoutMs = options.timeoutMs ?? ACTION_TIME_LIMIT_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    const action = instantiate(code, options, outcome.logs, timeoutMs);
    if (typeof action.exports[entryPoint] !== "function") {
      outcome.error = `the code does not export ${entryPoint}`;
      return outcome;
    }
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Script execution did not complete within ${timeoutMs / 1000} seconds`)), timeoutMs);
    });
    await Promise.race([
      Promise.resolve(action.call(entryPoint, [structuredClone(event), recordingTriggerApi(trigger, outcome)], timeoutMs)),
      timeout,
    ]);
  } catch (error) {
    const message = typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error);
    outcome.error = /^Script execution timed out/.test(message)
      ? `Script execution did not complete within ${timeoutMs / 1000} seconds`
      : message;
  } finally {
    if (timer) clearTimeout(timer);
  }
  return outcome;
}

const DENY_CODES: readonly CredentialsExchangeDenyCode[] = ["invalid_scope", "invalid_request", "server_error"];

/** The recording `api` of one trigger (not post-login: see recordingApi in run-post-login.ts). */
export function recordingTriggerApi(trigger: TriggerId, outcome: TriggerOutcome): unknown {
  const cache = recordingCache();
  switch (trigger) {
    case "credentials-exchange": {
      const target = () => (outcome.targetScopes ??= []);
      const api: CredentialsExchangeAPI = {
        access: {
          deny: (code, reason) => {
            // Auth0 accepts only these codes; anything else is the Action's bug, reported as Auth0's server_error.
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
    }
    case "pre-user-registration": {
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
    }
    case "post-user-registration":
      return { cache } satisfies PostUserRegistrationAPI;
    case "post-change-password":
      return { cache } satisfies PostChangePasswordAPI;
    case "send-phone-message":
      return { cache } satisfies SendPhoneMessageAPI;
    default:
      // A trigger whose api is only the cache needs nothing here; one with more methods gets a case above.
      return { cache };
  }
}

/** api.cache: per run, best effort, like Auth0's (items may vanish between runs). */
function recordingCache(): CacheAPI {
  const entries = new Map<string, { value: string; expires_at?: number }>();
  return {
    get: (key) => entries.get(key),
    set: (key, value) => (entries.set(key, { value: String(value) }), { type: "success" }),
    delete: (key) => (entries.delete(key), { type: "success" }),
  };
}
