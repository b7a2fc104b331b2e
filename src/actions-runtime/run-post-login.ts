/**
 * Runs deployed post-login Action code the way Auth0's runtime calls it: the code string is
 * evaluated as a CommonJS module in a fresh `vm` context, then `exports.onExecutePostLogin(event, api)`
 * is awaited. The `api` records every call with its official name, so tests, the local tenant
 * and the Rule parity harness all read the same outcome. Auth0's claim rules (restricted names,
 * reserved namespaces, the 100 KB limit) are applied by the caller that mints tokens, not here:
 * this records what the Action *asked* for.
 */
import { createRequire } from "node:module";
import { builtinModules } from "node:module";
import vm from "node:vm";
import type { Event, PostLoginAPI } from "../../actions/types/post-login-v3";

export const ACTION_TIME_LIMIT_MS = 20_000;

export interface PostLoginOutcome {
  idTokenClaims: Record<string, unknown>;
  accessTokenClaims: Record<string, unknown>;
  addedScopes: string[];
  removedScopes: string[];
  /** Set when the Action called api.access.deny(reason). */
  denied?: { reason: string };
  appMetadata: Record<string, unknown>;
  userMetadata: Record<string, unknown>;
  multifactor?: { provider: string; options?: Record<string, unknown> };
  redirect?: { url: string; query?: Record<string, string> };
  primaryUser?: string;
  samlAttributes: Record<string, unknown>;
  /** console output of the Action, as Auth0 shows it in its logs. */
  logs: string[];
  /** Set when the code failed to load, threw, or ran over the time limit. */
  error?: string;
}

export interface RunOptions {
  /** Which export to call: onExecutePostLogin (default) or onContinuePostLogin after a redirect. */
  entryPoint?: "onExecutePostLogin" | "onContinuePostLogin";
  timeoutMs?: number;
  /** Directory whose node_modules provides the Action's declared dependencies. */
  dependencyRoot?: string;
  /** Rule IDs reported as executed by api.rules.wasExecuted. */
  executedRules?: string[];
  /** Objects returned by require(id) ahead of built-ins and the dependency root (doubles for dependencies). */
  modules?: Readonly<Record<string, unknown>>;
}

export function emptyOutcome(): PostLoginOutcome {
  return {
    idTokenClaims: {},
    accessTokenClaims: {},
    addedScopes: [],
    removedScopes: [],
    appMetadata: {},
    userMetadata: {},
    samlAttributes: {},
    logs: [],
  };
}

/** Evaluates Action code in a fresh context and returns its exports. Throws on syntax errors. */
export function loadActionModule(code: string, options: RunOptions = {}, logs: string[] = []): Record<string, unknown> {
  return instantiate(code, options, logs).exports;
}

export interface ActionInstance {
  exports: Record<string, unknown>;
  /** Calls an export inside the context, so a synchronous endless loop is stopped by the time limit. */
  call(name: string, args: unknown[], timeoutMs: number): unknown;
}

export function instantiate(code: string, options: RunOptions, logs: string[], timeoutMs = ACTION_TIME_LIMIT_MS): ActionInstance {
  const format = (args: unknown[]) => args.map((a) => (typeof a === "string" ? a : safeJson(a))).join(" ");
  const sandboxConsole = {
    log: (...a: unknown[]) => logs.push(format(a)),
    info: (...a: unknown[]) => logs.push(format(a)),
    warn: (...a: unknown[]) => logs.push(format(a)),
    error: (...a: unknown[]) => logs.push(format(a)),
    debug: (...a: unknown[]) => logs.push(format(a)),
  };
  const context = vm.createContext({
    console: sandboxConsole,
    setTimeout,
    clearTimeout,
    setImmediate,
    TextEncoder,
    TextDecoder,
    URL,
    URLSearchParams,
    Buffer,
    fetch,
    structuredClone,
  });
  const module = { exports: {} as Record<string, unknown> };
  // compileFunction is Node's own CommonJS wrapper: syntax errors point at the Action's code.
  const moduleFunction = vm.compileFunction(code, ["exports", "require", "module", "__filename", "__dirname"], {
    parsingContext: context,
    filename: "action.js",
  });
  context.__load = {
    fn: moduleFunction,
    args: [module.exports, actionRequire(options.dependencyRoot, options.modules), module, "/action.js", "/"],
  };
  // Module evaluation and each call run through vm's `timeout`: only code running inside
  // runInContext can be interrupted, and a top-level `while (true) {}` must not hang the caller.
  try {
    vm.runInContext("__load.fn.apply(undefined, __load.args)", context, { timeout: timeoutMs });
  } finally {
    delete context.__load;
  }
  return {
    exports: module.exports,
    call(name, args, callTimeoutMs) {
      context.__call = { fn: module.exports[name], args };
      try {
        return vm.runInContext("__call.fn.apply(undefined, __call.args)", context, { timeout: callTimeoutMs }) as unknown;
      } finally {
        delete context.__call;
      }
    },
  };
}

/** Runs one Action for one login and records what it asked for. Never throws. */
export async function runPostLogin(code: string, event: Event, options: RunOptions = {}): Promise<PostLoginOutcome> {
  const outcome = emptyOutcome();
  const entryPoint = options.entryPoint ?? "onExecutePostLogin";
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeoutMs = options.timeoutMs ?? ACTION_TIME_LIMIT_MS;
    const action = instantiate(code, options, outcome.logs, timeoutMs);
    if (typeof action.exports[entryPoint] !== "function") {
      if (entryPoint === "onExecutePostLogin") outcome.error = "the code does not export onExecutePostLogin";
      return outcome;
    }
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(timeLimitMessage(timeoutMs))), timeoutMs);
    });
    // The time limit covers both the synchronous part of the call (vm timeout) and the awaited rest (race).
    await Promise.race([
      Promise.resolve(action.call(entryPoint, [structuredClone(event), recordingApi(outcome, options)], timeoutMs)),
      timeout,
    ]);
  } catch (error) {
    // Errors thrown inside the context come from another realm: not `instanceof Error` here.
    const message = typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error);
    outcome.error = /^Script execution timed out/.test(message) ? timeLimitMessage(options.timeoutMs ?? ACTION_TIME_LIMIT_MS) : message;
  } finally {
    if (timer) clearTimeout(timer);
  }
  return outcome;
}

/** The post-login v3 `api`, recording each call into `outcome`. */
export function recordingApi(outcome: PostLoginOutcome, options: RunOptions = {}): PostLoginAPI {
  const cache = new Map<string, { value: string; expires_at?: number }>();
  const api: PostLoginAPI = {
    access: { deny: (reason) => ((outcome.denied ??= { reason: String(reason) }), api) },
    idToken: { setCustomClaim: (name, value) => ((outcome.idTokenClaims[name] = value), api) },
    accessToken: {
      setCustomClaim: (name, value) => ((outcome.accessTokenClaims[name] = value), api),
      addScope: (scope) => (outcome.addedScopes.push(scope), api),
      removeScope: (scope) => (outcome.removedScopes.push(scope), api),
    },
    user: {
      setAppMetadata: (key, value) => ((outcome.appMetadata[key] = value), api),
      setUserMetadata: (key, value) => ((outcome.userMetadata[key] = value), api),
    },
    multifactor: { enable: (provider, opts) => ((outcome.multifactor = { provider, ...(opts ? { options: opts } : {}) }), api) },
    redirect: {
      sendUserTo: (url, opts) => ((outcome.redirect = { url, ...(opts?.query ? { query: opts.query } : {}) }), api),
      encodeToken: ({ payload }) => Buffer.from(JSON.stringify(payload)).toString("base64url"),
      validateToken: () => ({}),
    },
    cache: {
      get: (key) => cache.get(key),
      set: (key, value) => (cache.set(key, { value }), { type: "success" as const }),
      delete: (key) => (cache.delete(key), { type: "success" as const }),
    },
    authentication: {
      setPrimaryUser: (id) => ((outcome.primaryUser = id), api),
      recordMethod: () => api,
      challengeWith: () => undefined,
      enrollWith: () => undefined,
    },
    samlResponse: {
      setAttribute: (attribute, value) => void (outcome.samlAttributes[attribute] = value),
      setAudience: () => undefined,
      setIssuer: () => undefined,
      setRecipient: () => undefined,
      setLifetimeInSeconds: () => undefined,
    },
    rules: { wasExecuted: (ruleId) => (options.executedRules ?? []).includes(ruleId) },
  };
  return api;
}

/** This module's own require: for Node built-ins, which resolve the same from anywhere. */
const builtinRequire = createRequire(__filename);

/** Node built-ins, plus declared dependencies when a dependency root is given. */
function actionRequire(dependencyRoot?: string, modules?: Readonly<Record<string, unknown>>): (id: string) => unknown {
  const fromDeps = dependencyRoot ? createRequire(`${dependencyRoot.replace(/\/$/, "")}/package.json`) : undefined;
  return (id: string) => {
    if (modules && Object.prototype.hasOwnProperty.call(modules, id)) return modules[id];
    const bare = id.replace(/^node:/, "");
    if (builtinModules.includes(bare)) return builtinRequire(`node:${bare}`) as unknown;
    if (fromDeps) return fromDeps(id) as unknown;
    throw new Error(`Cannot find module '${id}': declare it as an Action dependency`);
  };
}

function timeLimitMessage(timeoutMs: number): string {
  return `Script execution did not complete within ${timeoutMs / 1000} seconds`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
