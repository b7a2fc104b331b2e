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
  return { idTokenClaims: {}, accessTokenClaims: {}, addedScopes: [], removedScopes: [], appMetadata: {}, userMetadata: {}, samlAttributes: {}, logs: [] };
}

/** Evaluates Action code in a fresh context and returns its exports. Throws on syntax errors. */
export function loadActionModule(code: string, options: RunOptions = {}, logs: string[] = []): Record<string, unknown> {
  const format = (args: unknown[]) => args.map((a) => (typeof a === "string" ? a : safeJson(a))).join(" ");
  const sandboxConsole = {
    log: (...a: unknown[]) => logs.push(format(a)),
    info: (...a: unknown[]) => logs.push(format(a)),
    warn: (...a: unknown[]) => logs.push(format(a)),
    error: (...a: unknown[]) => logs.push(format(a)),
    debug: (...a: unknown[]) => logs.push(format(a)),
  };
  const context = vm.createContext({ console: sandboxConsole, setTimeout, clearTimeout, setImmediate, TextEncoder, TextDecoder, URL, URLSearchParams, Buffer, fetch, structuredClone });
  const module = { exports: {} as Record<string, unknown> };
  const wrapper = vm.runInContext(`(function (exports, require, module, __filename, __dirname) {\n${code}\n})`, context, {
    filename: "action.js",
    lineOffset: -1,
  }) as (e: unknown, r: unknown, m: unknown, f: string, d: string) => void;
  wrapper(module.exports, actionRequire(options.dependencyRoot, options.modules), module, "/action.js", "/");
  return module.exports;
}

/** Runs one Action for one login and records what it asked for. Never throws. */
export async function runPostLogin(code: string, event: Event, options: RunOptions = {}): Promise<PostLoginOutcome> {
  const outcome = emptyOutcome();
  const entryPoint = options.entryPoint ?? "onExecutePostLogin";
  let timer: NodeJS.Timeout | undefined;
  try {
    const exports = loadActionModule(code, options, outcome.logs);
    const handler = exports[entryPoint];
    if (typeof handler !== "function") {
      if (entryPoint === "onExecutePostLogin") outcome.error = "the code does not export onExecutePostLogin";
      return outcome;
    }
    const timeoutMs = options.timeoutMs ?? ACTION_TIME_LIMIT_MS;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Script execution did not complete within ${timeoutMs / 1000} seconds`)), timeoutMs);
    });
    await Promise.race([Promise.resolve(handler(structuredClone(event), recordingApi(outcome, options))), timeout]);
  } catch (error) {
    outcome.error = error instanceof Error ? error.message : String(error);
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

/** Node built-ins, plus declared dependencies when a dependency root is given. */
function actionRequire(dependencyRoot?: string, modules?: Readonly<Record<string, unknown>>): (id: string) => unknown {
  const fromDeps = dependencyRoot ? createRequire(`${dependencyRoot.replace(/\/$/, "")}/package.json`) : undefined;
  return (id: string) => {
    if (modules && Object.prototype.hasOwnProperty.call(modules, id)) return modules[id];
    const bare = id.replace(/^node:/, "");
    if (builtinModules.includes(bare)) return require(`node:${bare}`);
    if (fromDeps) return fromDeps(id);
    throw new Error(`Cannot find module '${id}': declare it as an Action dependency`);
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
