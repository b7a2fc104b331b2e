/**
 * Runs deployed Action code for one of the Hook replacement triggers, the way Auth0 calls it
 * (`exports.<entry point>(event, api)` awaited, within the time limit), with an `api` that
 * records each call under its official name. One recording api covers the members of every
 * such trigger; a handler can only reach the ones its trigger's types give it.
 */
import { ACTION_TIME_LIMIT_MS, loadActionModule } from "../../actions-runtime/run-post-login";
import type { HookKind } from "../../migrate/hook/hook-types";

export interface TriggerRecord {
  /** api.access.deny's arguments, as passed. */
  denied?: unknown[];
  /** api.validation.error(code, message) (pre-user-registration). */
  validationError?: unknown[];
  claims: Record<string, unknown>;
  userMetadata: Record<string, unknown>;
  appMetadata: Record<string, unknown>;
  logs: string[];
  /** The code failed to load, threw, rejected, or ran over the time limit. */
  error?: string;
}

export interface TriggerRunOptions {
  timeoutMs?: number;
  dependencyRoot?: string;
  modules?: Readonly<Record<string, unknown>>;
}

export async function runTriggerAction(
  code: string,
  kind: HookKind,
  event: Record<string, unknown>,
  options: TriggerRunOptions = {},
): Promise<TriggerRecord> {
  const record: TriggerRecord = { claims: {}, userMetadata: {}, appMetadata: {}, logs: [] };
  const timeoutMs = options.timeoutMs ?? ACTION_TIME_LIMIT_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    const exports = loadActionModule(code, { dependencyRoot: options.dependencyRoot, modules: options.modules, timeoutMs }, record.logs);
    const entry = exports[kind.entryPoint];
    if (typeof entry !== "function") {
      record.error = `the code does not export ${kind.entryPoint}`;
      return record;
    }
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Script execution did not complete within ${timeoutMs / 1000} seconds`)), timeoutMs);
    });
    await Promise.race([
      Promise.resolve((entry as (e: unknown, a: unknown) => unknown)(structuredClone(event), recordingApi(record))),
      timeout,
    ]);
  } catch (error) {
    record.error = typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error);
  } finally {
    if (timer) clearTimeout(timer);
  }
  return record;
}

function recordingApi(record: TriggerRecord): unknown {
  const cache = new Map<string, { value: string }>();
  const api = {
    access: { deny: (...args: unknown[]) => ((record.denied ??= args), api) },
    accessToken: { setCustomClaim: (name: string, value: unknown) => ((record.claims[name] = value), api) },
    user: {
      setUserMetadata: (key: string, value: unknown) => ((record.userMetadata[key] = value), api),
      setAppMetadata: (key: string, value: unknown) => ((record.appMetadata[key] = value), api),
    },
    validation: { error: (...args: unknown[]) => ((record.validationError ??= args), api) },
    cache: {
      get: (key: string) => cache.get(key),
      set: (key: string, value: string) => (cache.set(key, { value }), { type: "success" as const }),
      delete: (key: string) => (cache.delete(key), { type: "success" as const }),
    },
  };
  return api;
}
