/**
 * Deployed Action code run in the Action sandbox (sandbox.ts: its own Node 22 process, permission
 * model, empty environment, time limit), with the answer in the shapes of src/actions-runtime:
 * the recorded api calls are replayed onto the same recording `api` the in-process runtime uses,
 * so callers read one outcome whichever way the code ran. For code the project did not write
 * (adopted or converted Actions) this is the way to run it: nothing of it executes in the caller.
 */
import { emptyOutcome, recordingApi, type PostLoginOutcome } from "../actions-runtime/run-post-login";
import { emptyTriggerOutcome, recordingTriggerApi, type AnyOutcome } from "../actions-runtime/run-trigger";
import { triggerSpec, type TriggerId } from "../triggers";
import { replayCalls } from "./replay";
import { runInSandbox, type SandboxPool, type SandboxResult } from "./sandbox";

export interface SandboxedRunOptions {
  /** post-login only: onContinuePostLogin after a redirect. @default the trigger's entry point */
  entryPoint?: string;
  timeoutMs?: number;
  /** Rule IDs reported as executed by api.rules.wasExecuted. */
  executedRules?: string[];
  /** Package name → installed directory (src/sandbox/dependencies.ts). */
  dependencies?: Readonly<Record<string, string>>;
  pool?: SandboxPool;
}

/** runPostLogin's answer, from the sandbox. Never throws. */
export async function runPostLoginSandboxed(code: string, event: unknown, options: SandboxedRunOptions = {}): Promise<PostLoginOutcome> {
  const outcome = emptyOutcome();
  const result = await run("post-login", code, event, options);
  settle(result, outcome, () => replayCalls(recordingApi(outcome, { executedRules: options.executedRules }), result.calls));
  return outcome;
}

/** runTriggerAction's answer, from the sandbox. Never throws. */
export async function runTriggerSandboxed(
  trigger: TriggerId,
  code: string,
  event: unknown,
  options: SandboxedRunOptions = {},
): Promise<AnyOutcome> {
  if (trigger === "post-login") return { trigger, ...(await runPostLoginSandboxed(code, event, options)) };
  const outcome = emptyTriggerOutcome(trigger);
  const result = await run(trigger, code, event, options);
  settle(result, outcome, () => replayCalls(recordingTriggerApi(trigger, outcome), result.calls));
  return outcome;
}

function run(trigger: TriggerId, code: string, event: unknown, options: SandboxedRunOptions): Promise<SandboxResult> {
  const secrets = (event as { secrets?: Record<string, string> } | undefined)?.secrets;
  return runInSandbox(
    {
      code,
      trigger,
      exportName: options.entryPoint ?? triggerSpec(trigger).entryPoint,
      event,
      ...(secrets ? { secrets } : {}),
      ...(options.dependencies ? { dependencies: options.dependencies } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.executedRules ? { executedRules: options.executedRules } : {}),
    },
    options.pool,
  );
}

/** The calls made before a failure still count (Auth0 applies none of them; the caller decides). */
function settle(result: SandboxResult, outcome: { logs: string[]; error?: string }, replay: () => void): void {
  outcome.logs.push(...result.logs);
  try {
    replay();
  } catch (error) {
    outcome.error ??= (error as Error).message;
  }
  if (result.error !== undefined) outcome.error = result.error;
}
