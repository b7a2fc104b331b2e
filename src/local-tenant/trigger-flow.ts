/**
 * Runs one trigger's flow on the local tenant the way Auth0 does: the deployed version of each
 * bound Action, in binding order, with the trigger's event (secrets per Action) and api
 * (src/actions-runtime/run-trigger.ts), within the trigger's 20 s limit.
 *   - blocking triggers (credentials-exchange, pre-user-registration) stop at the first deny,
 *     validation error or failure, and what they set is merged for the caller to apply;
 *   - non-blocking ones (post-user-registration, post-change-password) run after the response:
 *     their failures only reach the log, as in Auth0.
 * The post-login flow has its own driver (login.ts).
 */
import { ACTION_TIME_LIMIT_MS } from "../actions-runtime/run-post-login";
import { emptyTriggerOutcome, recordingTriggerApi, type TriggerOutcome } from "../actions-runtime/run-trigger";
import { replayCalls } from "../sandbox/replay";
import { triggerSpec, type TriggerId } from "../triggers";
import { freshRunner, type DeployedActionRunner } from "./action-runner";
import type { ActionRecord, TenantModel, VersionRecord } from "./model";

export interface FlowResult {
  /** Which Action versions ran, in order: "<action name> v<number>". */
  executed: string[];
  accessTokenClaims: Record<string, unknown>;
  targetScopes?: string[];
  appMetadata: Record<string, unknown>;
  userMetadata: Record<string, unknown>;
  denied?: TriggerOutcome["denied"];
  validationError?: TriggerOutcome["validationError"];
  /** The first Action that failed (threw, did not load, ran over the limit): "<action name>: <error>". */
  failure?: string;
  logs: string[];
}

export interface FlowOptions {
  timeoutMs?: number;
  /** Runs each deployed Action version (the server: warm processes). Default: a fresh process per execution. */
  runAction?: DeployedActionRunner;
}

/** Runs the deployed `trigger` flow with `event` (its `secrets` are replaced per Action). Never throws. */
export async function runDeployedFlow(
  model: TenantModel,
  trigger: Exclude<TriggerId, "post-login">,
  event: Record<string, unknown>,
  options: FlowOptions = {},
): Promise<FlowResult> {
  const result: FlowResult = { executed: [], accessTokenClaims: {}, appMetadata: {}, userMetadata: {}, logs: [] };
  const deadline = Date.now() + (options.timeoutMs ?? ACTION_TIME_LIMIT_MS);
  for (const { action, version } of model.deployedFlow(trigger)) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      result.failure = `The ${trigger} flow did not complete within ${(options.timeoutMs ?? ACTION_TIME_LIMIT_MS) / 1000} seconds.`;
      break;
    }
    const secrets = Object.fromEntries(version.secrets.map((s) => [s.name, s.value]));
    const run = options.runAction ?? freshRunner();
    const outcome = await sandboxedOutcome(run, action, version, trigger, event, secrets, remaining, model.modulesOf(version));
    result.executed.push(`${action.name} v${version.number}`);
    result.logs.push(...outcome.logs.map((line) => `${action.name}: ${line}`));
    Object.assign(result.accessTokenClaims, outcome.accessTokenClaims);
    Object.assign(result.appMetadata, outcome.appMetadata);
    Object.assign(result.userMetadata, outcome.userMetadata);
    if (outcome.targetScopes) result.targetScopes = outcome.targetScopes;
    if (outcome.error) {
      result.failure = `${action.name}: ${outcome.error}`;
      break;
    }
    if (outcome.denied || outcome.validationError) {
      result.denied = outcome.denied;
      result.validationError = outcome.validationError;
      break;
    }
  }
  return result;
}

/** One Action in its sandbox process (src/sandbox); its recorded api calls replayed onto the trigger's api. */
async function sandboxedOutcome(
  run: DeployedActionRunner,
  action: ActionRecord,
  version: VersionRecord,
  trigger: Exclude<TriggerId, "post-login">,
  event: Record<string, unknown>,
  secrets: Record<string, string>,
  timeoutMs: number,
  modules: Record<string, string>,
): Promise<TriggerOutcome> {
  const { code } = version;
  const result = await run(action, version, {
    code,
    trigger,
    exportName: triggerSpec(trigger).entryPoint,
    event,
    secrets,
    timeoutMs,
    modules,
  });
  const outcome = emptyTriggerOutcome(trigger);
  outcome.logs = result.logs;
  if (result.error !== undefined) {
    outcome.error = result.error;
    return outcome;
  }
  try {
    replayCalls(recordingTriggerApi(trigger, outcome), result.calls);
  } catch (error) {
    outcome.error = (error as Error).message;
  }
  return outcome;
}
