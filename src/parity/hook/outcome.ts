/**
 * What a run of the Hook and a run of the Action did, in one shape per trigger, so they can be
 * compared field by field: what the caller of /oauth/token or /dbconnections/signup would see
 * (issued with claims and scope / denied with code and messages / failed), the metadata a new
 * user gets, and the HTTP calls made on the way.
 */
import { isNamespacedClaim, type HookKind } from "../../migrate/hook/hook-types";
import { stableJson } from "../outcome";
import type { HookRun } from "./hooks-runtime";
import type { HookInvocation } from "./fixtures";
import type { TriggerRecord } from "./run-action";

/** The parts of a fixture's event and a Hook's response the outcomes read (fixtures are JSON: checked by the runs, not here). */
interface OutcomeEvent {
  user: { user_metadata?: Record<string, unknown>; app_metadata?: Record<string, unknown> };
  accessToken: { scope: string[] };
}
type HookResponse = Record<string, unknown> & {
  user?: { user_metadata?: Record<string, unknown>; app_metadata?: Record<string, unknown> };
};

/** String() of whatever the code under test passed: an Action may deny with any value. */
const text = (value: unknown): string => String(value);

export interface TriggerOutcome {
  result: "issued" | "created" | "done" | "denied" | "failed";
  /** denied: the OAuth error code (credentials exchange) or the reason logged (signup). */
  code?: string;
  /** denied: the message the caller or user sees. failed: the error message. */
  message?: string;
  claims?: Record<string, unknown>;
  scope?: string;
  user_metadata?: Record<string, unknown>;
  app_metadata?: Record<string, unknown>;
  http: string[];
}

export function hookOutcome(kind: HookKind, run: HookRun, input: HookInvocation, http: string[]): TriggerOutcome {
  if (run.failure) return { result: "failed", message: run.failure, http };
  const event = input.event as unknown as OutcomeEvent;
  if (run.error) {
    const meaning = Object.prototype.hasOwnProperty.call(kind.errors, run.error.name) ? kind.errors[run.error.name] : undefined;
    if (meaning?.kind === "oauth") return { result: "denied", code: meaning.code, message: run.error.message, http };
    if (meaning?.kind === "deny-signup") return { result: "denied", code: run.error.message, message: run.error.userMessage ?? "", http };
    return { result: "failed", message: run.error.message, http };
  }
  const response = (run.response ?? {}) as HookResponse;
  switch (kind.response) {
    case "access-token": {
      const claims = Object.fromEntries(Object.entries(response).filter(([name]) => isNamespacedClaim(name)));
      return { result: "issued", claims, scope: Array.isArray(response.scope) ? response.scope.join(" ") : "", http };
    }
    case "registration":
      return {
        result: "created",
        user_metadata: { ...(event.user.user_metadata ?? {}), ...(response.user?.user_metadata ?? {}) },
        app_metadata: { ...(event.user.app_metadata ?? {}), ...(response.user?.app_metadata ?? {}) },
        http,
      };
    default:
      return { result: "done", http };
  }
}

export function actionOutcome(kind: HookKind, record: TriggerRecord, input: HookInvocation, http: string[]): TriggerOutcome {
  if (record.error !== undefined) return { result: "failed", message: record.error, http };
  const event = input.event as unknown as OutcomeEvent;
  if (record.denied) {
    const [first, second] = record.denied;
    return { result: "denied", code: String(first), message: second === undefined ? "" : text(second), http };
  }
  if (record.validationError)
    return { result: "denied", code: String(record.validationError[0]), message: text(record.validationError[1] ?? ""), http };
  switch (kind.response) {
    case "access-token":
      return { result: "issued", claims: json(record.claims), scope: event.accessToken.scope.join(" "), http };
    case "registration":
      return {
        result: "created",
        user_metadata: json({ ...(event.user.user_metadata ?? {}), ...record.userMetadata }),
        app_metadata: json({ ...(event.user.app_metadata ?? {}), ...record.appMetadata }),
        http,
      };
    default:
      return { result: "done", http };
  }
}

/** Every difference, one line each ("claims.https://x: Hook "a", Action (not set)"). */
export function compareTriggerOutcomes(hook: TriggerOutcome, action: TriggerOutcome): string[] {
  const differences: string[] = [];
  const field = (name: string, a: unknown, b: unknown) => {
    if (stableJson(a) !== stableJson(b)) differences.push(`${name}: Hook ${show(a)}, Action ${show(b)}`);
  };
  field("result", hook.result, action.result);
  field("code", hook.code, action.code);
  field("message", hook.message, action.message);
  for (const key of ["claims", "user_metadata", "app_metadata"] as const) {
    const a = hook[key] ?? {};
    const b = action[key] ?? {};
    if (hook[key] === undefined && action[key] === undefined) continue;
    for (const name of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) field(`${key}.${name}`, a[name], b[name]);
  }
  field("scope", hook.scope, action.scope);
  field("HTTP calls", hook.http, action.http);
  return differences;
}

function json(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

function show(value: unknown): string {
  if (value === undefined) return "(not set)";
  const text = stableJson(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
