/**
 * Runs a Rule the way the Rules runtime did: the stored function is evaluated in a fresh `vm`
 * context whose globals are what Rules had (`configuration`, `auth0`, `UnauthorizedError`,
 * `global`, `require` of `pkg@version`, console, timers), then called with (user, context,
 * callback). The run ends when callback is called, the Rule throws (also inside a timer, an HTTP
 * callback or an async Rule's promise), or the time limit passes ("never called back").
 * `auth0` is a recording stub: metadata updates are recorded, never sent anywhere.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import vm from "node:vm";
import { callCatching, jsonCopy, safeJson } from "./sandbox-calls";
import { REPO_ROOT } from "../paths";
import { isBuiltinModule, parsePackageSpec } from "../migrate/packages";
import type { RuleLogin } from "./fixtures";

export const RULE_TIME_LIMIT_MS = 20_000;

export interface MetadataUpdate {
  kind: "app_metadata" | "user_metadata";
  userId: string;
  metadata: Record<string, unknown>;
}

export interface RuleRun {
  /** Set when callback received an error: the login is denied with this message. */
  callbackError?: { message: string };
  /** The context as it was when callback was called (JSON copy). */
  context?: Record<string, unknown>;
  /** The user passed to callback (JSON copy): Rules issued this login's tokens from it. */
  user?: Record<string, unknown>;
  metadataUpdates: MetadataUpdate[];
  logs: string[];
  /** Set when the Rule never called callback within the time limit: the login failed. */
  timedOut?: string;
  /** Set when the Rule threw (synchronously, in a callback of its own, or as a rejected promise) or could not be loaded. */
  failure?: string;
}

/** Reports an error thrown where no caller can catch it (a timer or an HTTP callback of the Rule). */
export type AsyncErrorReporter = (error: unknown) => void;

export interface RuleRunOptions {
  timeoutMs?: number;
  /**
   * Objects returned by require(name) instead of the installed package (HTTP doubles). As a function,
   * it receives the reporter for errors thrown inside the callbacks the doubles call.
   */
  modules?: Readonly<Record<string, unknown>> | ((report: AsyncErrorReporter) => Readonly<Record<string, unknown>>);
}

const projectRequire = createRequire(join(REPO_ROOT, "package.json"));

/** Where errors thrown out of every caller's reach go: `report` changes once the Rule is called. */
interface AsyncErrors {
  report: AsyncErrorReporter;
}

export async function runRule(source: string, ruleFile: string, login: RuleLogin, options: RuleRunOptions = {}): Promise<RuleRun> {
  const run: RuleRun = { metadataUpdates: [], logs: [] };
  // Errors thrown where nothing can catch them end the run as the Rule's failure, never the process.
  const asyncErrors: AsyncErrors = {
    report: (error) => run.logs.push(`error after the login was decided: ${errorMessage(error)}`),
  };
  const sandbox = ruleContext(run, login, options, asyncErrors);
  try {
    // Realm-native objects, as the Rules runtime built them (Array.isArray, instanceof Error work inside).
    vm.runInContext(
      `this.global = this;
       class UnauthorizedError extends Error { constructor(message) { super(message); this.name = "UnauthorizedError"; } }
       this.UnauthorizedError = UnauthorizedError;`,
      sandbox,
    );
    const fromJson = (value: unknown) =>
      vm.runInContext(`JSON.parse(${JSON.stringify(JSON.stringify(value))})`, sandbox) as Record<string, unknown>;
    sandbox.configuration = fromJson(login.configuration);
    const user = fromJson(login.user);
    const context = fromJson({ ...login.context, idToken: {}, accessToken: {} });
    const rule = vm.runInContext(`(${source}\n)`, sandbox, { filename: ruleFile }) as RuleFunction;
    await callRule(rule, user, context, run, options.timeoutMs ?? RULE_TIME_LIMIT_MS, asyncErrors);
  } catch (error) {
    run.failure = error instanceof Error ? error.message : String(error);
  }
  return run;
}

type RuleFunction = (user: unknown, context: unknown, callback: unknown) => void;

/**
 * The globals Rules had: console (into `run.logs`), timers whose callbacks' errors go to `asyncErrors`,
 * `require` of `pkg@version` (or the doubles of `options.modules`), and the recording `auth0` stub.
 */
function ruleContext(run: RuleRun, login: RuleLogin, options: RuleRunOptions, asyncErrors: AsyncErrors): vm.Context {
  const print = (...args: unknown[]) => run.logs.push(args.map((a) => (typeof a === "string" ? a : safeJson(a))).join(" "));
  const auth0 = {
    domain: `${String(login.context.tenant)}.auth0.com`,
    baseUrl: `https://${String(login.context.tenant)}.auth0.com/api/v2`,
    accessToken: "parity-sandbox-has-no-management-token",
    users: {
      updateAppMetadata: (userId: string, metadata: unknown) => record("app_metadata", userId, metadata),
      updateUserMetadata: (userId: string, metadata: unknown) => record("user_metadata", userId, metadata),
    },
  };
  function record(kind: MetadataUpdate["kind"], userId: string, metadata: unknown): Promise<void> {
    run.metadataUpdates.push({ kind, userId: String(userId), metadata: jsonCopy(metadata ?? {}) as Record<string, unknown> });
    return Promise.resolve();
  }
  const guarded =
    <A extends unknown[]>(fn: (...args: A) => unknown) =>
    (...args: A) => {
      try {
        fn(...args);
      } catch (error) {
        asyncErrors.report(error);
      }
    };
  const modules = typeof options.modules === "function" ? options.modules((error) => asyncErrors.report(error)) : options.modules;
  const ruleRequire = (spec: string): unknown => {
    const { name } = parsePackageSpec(String(spec));
    if (modules && Object.prototype.hasOwnProperty.call(modules, name)) return modules[name];
    if (isBuiltinModule(name)) return projectRequire(name.startsWith("node:") ? name : `node:${name}`) as unknown;
    return projectRequire(name) as unknown;
  };
  return vm.createContext({
    console: { log: print, info: print, warn: print, error: print, debug: print },
    setTimeout: (fn: (...a: unknown[]) => unknown, ms?: number, ...args: unknown[]) => setTimeout(guarded(fn), ms, ...args),
    clearTimeout,
    setImmediate: (fn: (...a: unknown[]) => unknown, ...args: unknown[]) => setImmediate(guarded(fn), ...args),
    Buffer,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    require: ruleRequire,
    auth0,
  });
}

/**
 * Calls the Rule and waits for its callback, recording what it was called with in `run`; or for the
 * time limit (`run.timedOut`). Rejects when the Rule throws before calling back (also asynchronously).
 */
async function callRule(
  rule: RuleFunction,
  user: Record<string, unknown>,
  context: Record<string, unknown>,
  run: RuleRun,
  timeoutMs: number,
  asyncErrors: AsyncErrors,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => {
        run.timedOut = `the Rule did not call callback within ${timeoutMs / 1000} seconds`;
        resolve();
      }, timeoutMs);
      let called = false;
      const fail = (error: unknown) => {
        if (called) return asyncErrors.report(error);
        called = true;
        reject(new Error(errorMessage(error)));
      };
      asyncErrors.report = (error) => {
        if (called) run.logs.push(`error after the login was decided: ${errorMessage(error)}`);
        else fail(error);
      };
      const callback = (error: unknown, ruleUser?: unknown, ctx?: unknown) => {
        if (called) return;
        called = true;
        if (error !== null && error !== undefined) run.callbackError = { message: errorMessage(error) };
        run.context = jsonCopy(ctx ?? context) as Record<string, unknown>;
        run.user = jsonCopy(ruleUser ?? user) as Record<string, unknown>;
        resolve();
      };
      // An async Rule's rejected promise is its throw.
      callCatching(
        () => rule(user, context, callback),
        (error) => fail(error),
      );
    });
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** What Rules showed for an error: its message, or the value itself. Duck-typed: errors come from another realm. */
export function errorMessage(error: unknown): string {
  if (typeof error === "object" && error !== null && "message" in error) return String(error.message);
  return String(error);
}
