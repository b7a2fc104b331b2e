/**
 * What a login ends with, in one shape for both sides, so a Rule run and an Action run can be
 * compared field by field:
 *   - allowed / denied (with the message) / failed (threw, timed out);
 *   - ID and access token claims (as JSON: what a token can carry);
 *   - the granted scopes (Rule: the final context.accessToken.scope, else the requested ones;
 *     Action: requested + addScope − removeScope);
 *   - the metadata the user ends up with (the Rule's PATCH-style merges, or the Action's
 *     set*Metadata calls, applied to the same starting profile; null deletes a key);
 *   - the user profile the tokens are issued from (a Rule could change it; an Action cannot);
 *   - MFA (with Duo's provider options), redirect, primary user, SAML changes, the outgoing HTTP calls.
 * A denied, timed-out or crashed login issues no token, so only the verdict (and its message) is compared then.
 */
import type { PostLoginOutcome } from "../actions-runtime/run-post-login";
import type { RuleLogin } from "./fixtures";
import type { RuleRun } from "./rule-sandbox";

export interface LoginOutcome {
  /**
   * "timed out": the Rule never called callback (or the Action ran over its time limit): the login
   * failed. "error": the Rule or the Action threw: the fixture found a crash, reported as such.
   */
  result: "allowed" | "denied" | "timed out" | "error";
  denyReason?: string;
  /** Why the login failed (shown, not compared: runtimes word their errors differently). */
  failure?: string;
  /**
   * The user profile this login's tokens were issued from, metadata aside (compared on its own):
   * Rules issued them from the user passed to callback; Actions cannot change event.user.
   */
  profile: Record<string, unknown>;
  /** What the login changed in the SAML response (Rule: context.samlConfiguration; Action: api.samlResponse). */
  saml?: unknown;
  idTokenClaims: Record<string, unknown>;
  accessTokenClaims: Record<string, unknown>;
  scopes: string[];
  appMetadata: Record<string, unknown>;
  userMetadata: Record<string, unknown>;
  multifactor?: { provider: string; allowRememberBrowser: boolean; providerOptions?: Record<string, unknown> };
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
  const multifactor = context.multifactor as ({ provider?: unknown; allowRememberBrowser?: unknown } & Record<string, unknown>) | undefined;
  const redirect = context.redirect as { url?: unknown } | undefined;
  const own = run.metadataUpdates.filter((u) => u.userId === login.user.user_id);
  const samlBefore = stableJson(json((login.context.samlConfiguration ?? {}) as Record<string, unknown>));
  const samlAfter = json((context.samlConfiguration ?? {}) as Record<string, unknown>);
  const outcome: LoginOutcome = {
    result: run.failure !== undefined ? "error" : run.timedOut !== undefined ? "timed out" : run.callbackError ? "denied" : "allowed",
    profile: profileOf(run.user ?? login.user),
    idTokenClaims: json((context.idToken ?? {}) as Record<string, unknown>),
    accessTokenClaims: json(accessTokenClaims),
    scopes: sortedUnique(scope === undefined ? login.requestedScopes : scopeList(scope)),
    appMetadata: merged(
      login.user.app_metadata,
      own.filter((u) => u.kind === "app_metadata").map((u) => u.metadata),
    ),
    userMetadata: merged(
      login.user.user_metadata,
      own.filter((u) => u.kind === "user_metadata").map((u) => u.metadata),
    ),
    httpCalls,
    otherUsersWritten: [...new Set(run.metadataUpdates.filter((u) => u.userId !== login.user.user_id).map((u) => u.userId))],
  };
  if (run.failure !== undefined) outcome.failure = run.failure;
  if (run.timedOut !== undefined) outcome.failure = run.timedOut;
  if (run.callbackError) outcome.denyReason = run.callbackError.message;
  if (multifactor && multifactor.provider !== undefined) {
    outcome.multifactor = { provider: ruleText(multifactor.provider), allowRememberBrowser: multifactor.allowRememberBrowser === true };
    const providerOptions = Object.fromEntries(
      MFA_PROVIDER_OPTIONS.filter((k) => multifactor[k] !== undefined).map((k) => [k, multifactor[k]]),
    );
    if (Object.keys(providerOptions).length > 0) outcome.multifactor.providerOptions = json(providerOptions);
  }
  if (stableJson(samlAfter) !== samlBefore) outcome.saml = { samlConfiguration: samlAfter };
  if (redirect && redirect.url !== undefined) outcome.redirect = ruleText(redirect.url);
  if (context.primaryUser !== undefined) outcome.primaryUser = ruleText(context.primaryUser);
  return outcome;
}

export function actionOutcome(run: PostLoginOutcome, login: RuleLogin, httpCalls: string[]): LoginOutcome {
  const scopes = new Set([...login.requestedScopes, ...run.addedScopes]);
  for (const s of run.removedScopes) scopes.delete(s);
  const outcome: LoginOutcome = {
    result: run.error !== undefined ? (isTimeLimit(run.error) ? "timed out" : "error") : run.denied ? "denied" : "allowed",
    profile: profileOf(login.user),
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
  if (run.multifactor) {
    outcome.multifactor = {
      provider: run.multifactor.provider,
      allowRememberBrowser: run.multifactor.options?.allowRememberBrowser === true,
    };
    const providerOptions = run.multifactor.options?.providerOptions as Record<string, unknown> | undefined;
    if (providerOptions && Object.keys(providerOptions).length > 0) outcome.multifactor.providerOptions = json(providerOptions);
  }
  if (Object.keys(run.samlAttributes ?? {}).length > 0) outcome.saml = { attributes: json(run.samlAttributes) };
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
  if (rule.result === "timed out" || rule.result === "error") return differences;
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
  for (const name of new Set([...Object.keys(rule.profile), ...Object.keys(action.profile)])) {
    differ(`user profile field "${name}" (tokens are issued from it)`, rule.profile[name], action.profile[name]);
  }
  differ("scopes", rule.scopes, action.scopes);
  differ("app_metadata after the login", rule.appMetadata, action.appMetadata);
  differ("user_metadata after the login", rule.userMetadata, action.userMetadata);
  differ("MFA", rule.multifactor, action.multifactor);
  differ("SAML response", rule.saml, action.saml);
  differ("redirect", rule.redirect, action.redirect);
  differ("primary user", rule.primaryUser, action.primaryUser);
  differ("HTTP calls", rule.httpCalls, action.httpCalls);
  differ("metadata written for other users", rule.otherUsersWritten, action.otherUsersWritten);
  return differences;
}

/** Rules' context.multifactor keys that Actions take as providerOptions (Duo's). */
const MFA_PROVIDER_OPTIONS = ["ikey", "skey", "host", "username"];

/** The Actions runtime's time-limit message (src/actions-runtime/run-post-login.ts): a login that timed out, not a crash. */
function isTimeLimit(error: string): boolean {
  return error.startsWith("Script execution did not complete within");
}

/** The profile without the metadata (compared as what is persisted, see merged()). */
function profileOf(user: Record<string, unknown>): Record<string, unknown> {
  const { app_metadata: _app, user_metadata: _user, ...profile } = json(user);
  return profile;
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
  return Array.isArray(scope)
    ? scope.map(ruleText)
    : ruleText(scope ?? "")
        .split(" ")
        .filter((s) => s !== "");
}

/** A Rule's untyped value as the Rules runtime turned it into text (String(): "[object Object]" for objects, as there). */
function ruleText(value: unknown): string {
  return String(value);
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
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

function show(value: unknown): string {
  if (value === undefined) return "(not set)";
  const text = stableJson(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
