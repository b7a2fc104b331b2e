/**
 * Fault injection for the local tenant: the failures a real tenant produces now and then, on
 * demand, so tests can show that an apply survives them. A fault is a rule matched against each
 * Management API request; it answers in place of the tenant a given number of times:
 *   - 429 with X-RateLimit-Reset (unix seconds), as Auth0's rate limiter does;
 *   - 5xx (503 by default), as a tenant under maintenance does;
 *   - a slow build: drafts take `buildMs` to reach `built`.
 * Rules are set through server options, `LocalTenant.faults`, or the authenticated control
 * endpoint PUT /local/faults (used when the tenant runs in another process).
 */
import { statusText } from "./errors";

export interface FaultRule {
  /** HTTP method to match, e.g. "POST"; any when absent. */
  method?: string;
  /** Regular expression (source) matched against the request path, e.g. "/deploy$"; any when absent. */
  path?: string;
  /** Status to answer with: 429 answers with rate-limit headers, others with Auth0's error body. */
  status: number;
  /** How many matching requests fail before the rule stops firing. Default 1. */
  times?: number;
  /** For 429: seconds until X-RateLimit-Reset. Default 1. */
  resetAfterSeconds?: number;
  /** Let this many matching requests through before failing. Default 0. */
  skip?: number;
}

export interface FaultSettings {
  rules?: FaultRule[];
  /** Build duration for drafts saved from now on, in ms. */
  buildMs?: number;
}

export interface InjectedFault {
  status: number;
  headers: Record<string, string>;
  body: { statusCode: number; error: string; message: string; errorCode?: string };
}

interface ActiveRule extends Required<Omit<FaultRule, "method" | "path">> {
  method?: string;
  path?: RegExp;
  fired: number;
  seen: number;
}

export class FaultError extends Error {}

export class Faults {
  private rules: ActiveRule[] = [];
  /** Each fault served, for tests and logs: "<status> <method> <path>". */
  readonly served: string[] = [];

  constructor(rules: FaultRule[] = []) {
    this.add(...rules);
  }

  add(...rules: FaultRule[]): void {
    for (const rule of rules) this.rules.push(activate(rule));
  }

  clear(): void {
    this.rules = [];
  }

  /** Rules that still have failures to serve. */
  pending(): number {
    return this.rules.filter((r) => r.fired < r.times).length;
  }

  /** The fault to answer `method path` with, or undefined to let the tenant answer. */
  match(method: string, path: string, nowMs = Date.now()): InjectedFault | undefined {
    for (const rule of this.rules) {
      if (rule.fired >= rule.times) continue;
      if (rule.method && rule.method !== method.toUpperCase()) continue;
      if (rule.path && !rule.path.test(path)) continue;
      rule.seen += 1;
      if (rule.seen <= rule.skip) continue;
      rule.fired += 1;
      this.served.push(`${rule.status} ${method.toUpperCase()} ${path}`);
      return respond(rule, nowMs);
    }
    return undefined;
  }
}

/** Checks a settings document (from the control endpoint or the command line). */
export function parseFaultSettings(value: unknown): FaultSettings {
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new FaultError('fault settings must be an object: {"rules": [...], "buildMs": 0}');
  const { rules, buildMs, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new FaultError(`unknown fault setting(s): ${unknown.join(", ")}; allowed: rules, buildMs`);
  if (buildMs !== undefined && (typeof buildMs !== "number" || !Number.isInteger(buildMs) || buildMs < 0 || buildMs > 600_000)) {
    throw new FaultError("buildMs must be an integer between 0 and 600000");
  }
  if (rules !== undefined && !Array.isArray(rules)) throw new FaultError("rules must be an array");
  return { ...(rules ? { rules: (rules as unknown[]).map(checkRule) } : {}), ...(buildMs !== undefined ? { buildMs } : {}) };
}

function checkRule(raw: unknown, index: number): FaultRule {
  const where = `rules[${index}]`;
  if (!raw || typeof raw !== "object") throw new FaultError(`${where} must be an object`);
  const rule = raw as Record<string, unknown>;
  const allowed = ["method", "path", "status", "times", "resetAfterSeconds", "skip"];
  const extra = Object.keys(rule).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new FaultError(`${where}: unknown field(s) ${extra.join(", ")}; allowed: ${allowed.join(", ")}`);
  if (typeof rule.status !== "number" || rule.status < 400 || rule.status > 599)
    throw new FaultError(`${where}.status must be an HTTP error status (400-599)`);
  for (const key of ["times", "resetAfterSeconds", "skip"] as const) {
    if (rule[key] !== undefined && (typeof rule[key] !== "number" || !Number.isInteger(rule[key]) || rule[key] < 0)) {
      throw new FaultError(`${where}.${key} must be a non-negative integer`);
    }
  }
  if (rule.method !== undefined && typeof rule.method !== "string") throw new FaultError(`${where}.method must be a string such as "GET"`);
  if (rule.path !== undefined) {
    if (typeof rule.path !== "string") throw new FaultError(`${where}.path must be a regular expression string`);
    try {
      new RegExp(rule.path);
    } catch (error) {
      throw new FaultError(`${where}.path is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  return rule as unknown as FaultRule;
}

function activate(rule: FaultRule): ActiveRule {
  return {
    status: rule.status,
    times: rule.times ?? 1,
    resetAfterSeconds: rule.resetAfterSeconds ?? 1,
    skip: rule.skip ?? 0,
    ...(rule.method ? { method: rule.method.toUpperCase() } : {}),
    ...(rule.path ? { path: new RegExp(rule.path) } : {}),
    fired: 0,
    seen: 0,
  };
}

function respond(rule: ActiveRule, nowMs: number): InjectedFault {
  const error = statusText(rule.status);
  if (rule.status === 429) {
    const reset = Math.floor(nowMs / 1000) + rule.resetAfterSeconds;
    return {
      status: 429,
      headers: { "x-ratelimit-limit": "50", "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
      body: { statusCode: 429, error, message: "Global limit has been reached", errorCode: "too_many_requests" },
    };
  }
  return {
    status: rule.status,
    headers: {},
    body: {
      statusCode: rule.status,
      error,
      message: "The service is temporarily unavailable (injected fault).",
      errorCode: "service_unavailable",
    },
  };
}
