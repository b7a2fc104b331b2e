/**
 * Runs deployed Action code of any trigger the way Auth0's runtime calls it: the module is
 * evaluated in a fresh vm context (run-post-login.ts's loader), then the trigger's entry point
 * (src/triggers.ts, e.g. onExecuteCredentialsExchange) is awaited with the event and the recording
 * `api` of that trigger's row. Like runPostLogin this records what the Action *asked*
 * for; the caller (the local tenant, tests, parity) decides what Auth0 would do with it.
 */
import type { CacheAPI } from "../../actions/types/common";
import { triggerSpec, type TriggerId, type TriggerOutcome } from "../triggers";
import { ACTION_TIME_LIMIT_MS, instantiate, runPostLogin, type PostLoginOutcome, type RunOptions } from "./run-post-login";

export type { TriggerOutcome } from "../triggers";

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

/** The recording `api` of one trigger, from its row (not post-login: see recordingApi in run-post-login.ts). */
export function recordingTriggerApi(trigger: Exclude<TriggerId, "post-login">, outcome: TriggerOutcome): object {
  const build = triggerSpec(trigger).recordingApi;
  if (!build) throw new Error(`the ${trigger} row of src/triggers.ts has no recording api`);
  return build(outcome, recordingCache());
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
