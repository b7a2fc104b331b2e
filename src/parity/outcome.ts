/**
 * What a login ends with, in one shape for both sides, so a Rule run and an Action run can be
 * compared field by field:
 *   - allowed / denied (with the message) / failed (threw, timed out);
 *   - ID and access token claims (as JSON: what a token can carry);
 *   - the granted scopes (Rule: the final context.accessToken.scope, else the requested ones;
 *     Action: requested + addScope − removeScope);
 *   - the metadata the user ends up with (the Rule's PATCH-style merges, or the Action's
 *     set*Metadata calls, applied to the same starting profile; null deletes a key);
 *   - MFA, redirect, primary user, and the outgoing HTTP calls.
 * A denied or failed login issues no token, so only the verdict (and its message) is compared then.
 */
import type { PostLoginOutcome } from "../actions-runtime/run-post-login";
import type { RuleLogin } from "./fixtures";
import type { RuleRun } from "./rule-sandbox";

export interface LoginOutcome {
  result: "allowed" | "denied" | "failed";
  denyReason?: string;
  /** Why the login failed (shown, not compared: runtimes word their errors differently). */
  failure?: string;
  idTokenClaims: Record<string, unknown>;
  accessTokenClaims: Record<string, unknown>;
  scopes: string[];
  appMetadata: Record<string, unknown>;
  userMetadata: Record<string, unknown>;
  multifactor?: { provider: string; allowRememberBrowser: boolean };
  redirect?: string;
  primaryUser?: string;
  httpCalls: string[];
  /** Metadata written for other users (Rules could; Actions cannot). */
  otherUsersWritten: string[];
}

export function ruleOutcome(run: RuleRun, login: RuleLogin, httpCalls: string[]): LoginOutcome {
  const context = run.context ?? {};
  const accessToken = (context.accessToken ?? {}) as Record<string, unknown>;
  const { scope, ...accessTokenClaims } = accessToken;
  const multifactor = context.multifactor as { provider?: unknown; allowRememberBrowser?: unknown } | undefined;
  const redirect = context.redirect as { url?: unknown } | undefined;
  const own = run.metadataUpdates.filter((u) => u.userId === login.user.user_id);
  const outcome: LoginOutcome = {
    result: run.failure !== undefined ? "failed" : run.callbackError ? "denied" : "allowed",
    idTokenClaims: json((context.idToken ?? {}) as Record<string, unknown>),
    accessTokenClaims: json(accessTokenClaims),
    scopes: sortedUnique(scope === undefined ? login.requestedScopes : scopeList(scope)),
    appMetadata: merged(login.user.app_metadata, own.filter((u) => u.kind === "app_metadata").map((u) => u.metadata)),
    userMetadata: merged(login.user.user_metadata, own.filter((u) => u.kind === "user_metadata").map((u) => u.metadata)),
    httpCalls,
    otherUsersWritten: [...new Set(run.metadataUpdates.filter((u) => u.userId !== login.user.user_id).map((u) => u.userId))],
  };
  if (run.failure !== undefined) outcome.failure = run.failure;
  if (run.callbackError) outcome.denyReason = run.callbackError.message;
  if (multifactor && multifactor.provider !== undefined) {
    outcome.multifactor = { provider: String(multifactor.provider), allowRememberBrowser: multifactor.allowRememberBrowser === true };
  }
  if (redirect && redirect.url !== undefined) outcome.redirect = String(redirect.url);
  if (context.primaryUser !== undefined) outcome.primaryUser = String(context.primaryUser);
  return outcome;
}

export function actionOutcome(run: PostLoginOutcome, login: RuleLogin, httpCalls: string[]): LoginOutcome {
  const scopes = new Set([...login.requestedScopes, ...run.addedScopes]);
  for (const s of run.removedScopes) scopes.delete(s);
  const outcome: LoginOutcome = {
    result: run.error !== undefined ? "failed" : run.denied ? "denied" : "allowed",
    idTokenClaims: json(run.idTokenClaims),
    accessTokenClaims: json(run.accessTokenClaims),
    scopes: sortedUnique([...scopes]),
    appMetadata: merged(login.user.app_metadata, [run.appMetadata]),
    userMetadata: merged(login.user.user_metadata, [run.userMetadata]),
    httpCalls,
    otherUsersWritten: [],
  };
  if (run.error !== undefined) outcome.failure = run.error;
  if (run.denied) outcome.denyReason = run.denied.reason;
  if (run.multifactor) outcome.multifactor = { provider: run.multifactor.provider, allowRememberBrowser: run.multifactor.options?.allowRememberBrowser === true };
  if (run.redirect) outcome.redirect = withQuery(run.redirect.url, run.redirect.query);
  if (run.primaryUser !== undefined) outcome.primaryUser = run.primaryUser;
  return outcome;
}

/** Human-readable differences; empty when the two logins end the same way. */
export function compareOutcomes(rule: LoginOutcome, action: LoginOutcome): string[] {
  const differences: string[] = [];
  const differ = (what: string, a: unknown, b: unknown) => {
    if (stableJson(a) !== stableJson(b)) differences.push(`${what}: Rule ${show(a)}, Action ${show(b)}`);
  };
  differ("result", rule.result, action.result);
  if (rule.result !== action.result) {
    if (rule.failure) differences.push(`  the Rule failed: ${rule.failure}`);
    if (action.failure) differences.push(`  the Action failed: ${action.failure}`);
    return differences;
  }
  if (rule.result === "failed") return differences;
  if (rule.result === "denied") {
    differ("deny message", rule.denyReason, action.denyReason);
    differ("HTTP calls", rule.httpCalls, action.httpCalls);
    return differences;
  }
  for (const name of new Set([...Object.keys(rule.idTokenClaims), ...Object.keys(action.idTokenClaims)])) {
    differ(`ID token claim "${name}"`, rule.idTokenClaims[name], action.idTokenClaims[name]);
  }
  for (const name of new Set([...Object.keys(rule.accessTokenClaims), ...Object.keys(action.accessTokenClaims)])) {
    differ(`access token claim "${name}"`, rule.accessTokenClaims[name], action.accessTokenClaims[name]);
  }
  differ("scopes", rule.scopes, action.scopes);
  differ("app_metadata after the login", rule.appMetadata, action.appMetadata);
  differ("user_metadata after the login", rule.userMetadata, action.userMetadata);
  differ("MFA", rule.multifactor, action.multifactor);
  differ("redirect", rule.redirect, action.redirect);
  differ("primary user", rule.primaryUser, action.primaryUser);
  differ("HTTP calls", rule.httpCalls, action.httpCalls);
  differ("metadata written for other users", rule.otherUsersWritten, action.otherUsersWritten);
  return differences;
}

/** Top-level merge, as the Management API's metadata PATCH (and Auth0's merge of set*Metadata): null removes a key. */
function merged(start: unknown, writes: ReadonlyArray<Record<string, unknown>>): Record<string, unknown> {
  const result = json((start ?? {}) as Record<string, unknown>);
  for (const write of writes) {
    for (const [key, value] of Object.entries(json(write))) {
      if (value === null) delete result[key];
      else result[key] = value;
    }
  }
  return result;
}

function scopeList(scope: unknown): string[] {
  return Array.isArray(scope) ? scope.map(String) : String(scope ?? "").split(" ").filter((s) => s !== "");
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function withQuery(url: string, query: Record<string, string> | undefined): string {
  if (!query || Object.keys(query).length === 0) return url;
  const parsed = new URL(url);
  for (const [key, value] of Object.entries(query)) parsed.searchParams.set(key, value);
  return parsed.toString();
}

/** What survives serialization into a token or a profile (undefined disappears, as in JSON). */
function json(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value ?? {}) ?? "{}") as Record<string, unknown>;
}

/** JSON with object keys sorted, for comparing values regardless of key order. */
export function stableJson(value: unknown): string {
  if (value === undefined) return "undefined";
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

function show(value: unknown): string {
  if (value === undefined) return "(not set)";
  const text = stableJson(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
