/**
 * The documented Rule → Action table (Auth0's migration guide), as data. Two readers use it in
 * opposite directions, so they can never disagree:
 *   - the converter rewrites `context.<rule path>` into `event.<action path>`;
 *   - the parity harness builds the Action's `event` from a Rule-shaped fixture (the inverse).
 */
import { AUTH0_LIMITS } from "../auth0-facts";
import { CONVENTIONAL_SECRET_NAME } from "../names";

/** One row of the table for a `context` field. */
export interface ContextFieldMapping {
  /** Path under the Rule's `context`, e.g. "request.userAgent". */
  readonly rule: string;
  /**
   * Path under the Action's `event`, e.g. "request.user_agent". A segment written "name?" is
   * optional in the event, so the converter reads it with `?.`.
   */
  readonly action: string;
  /** Rules always had this field; the event may lack its parent. The converter falls back to this value (code). */
  readonly fallback?: "[]";
  /**
   * The value is shaped differently: the converter passes it through this helper (emitted into the
   * handler, see emit.ts) and the parity harness applies the inverse (event-from-login.ts).
   */
  readonly convert?: "ruleAuthenticationMethods";
}

export const CONTEXT_FIELDS: readonly ContextFieldMapping[] = [
  { rule: "clientID", action: "client.client_id" },
  { rule: "clientName", action: "client.name" },
  { rule: "clientMetadata", action: "client.metadata" },
  { rule: "connection", action: "connection.name" },
  { rule: "connectionID", action: "connection.id" },
  { rule: "connectionStrategy", action: "connection.strategy" },
  { rule: "connectionMetadata", action: "connection.metadata" },
  { rule: "protocol", action: "transaction?.protocol" },
  { rule: "tenant", action: "tenant.id" },
  { rule: "sessionID", action: "session?.id" },
  { rule: "organization", action: "organization?" },
  { rule: "request.ip", action: "request.ip" },
  { rule: "request.hostname", action: "request.hostname" },
  { rule: "request.method", action: "request.method" },
  { rule: "request.language", action: "request.language" },
  { rule: "request.query", action: "request.query" },
  { rule: "request.body", action: "request.body" },
  { rule: "request.userAgent", action: "request.user_agent" },
  // geoip keys flip from snake_case to camelCase.
  { rule: "request.geoip.country_code", action: "request.geoip.countryCode" },
  { rule: "request.geoip.country_code3", action: "request.geoip.countryCode3" },
  { rule: "request.geoip.country_name", action: "request.geoip.countryName" },
  { rule: "request.geoip.city_name", action: "request.geoip.cityName" },
  { rule: "request.geoip.continent_code", action: "request.geoip.continentCode" },
  { rule: "request.geoip.time_zone", action: "request.geoip.timeZone" },
  { rule: "request.geoip.latitude", action: "request.geoip.latitude" },
  { rule: "request.geoip.longitude", action: "request.geoip.longitude" },
  { rule: "stats.loginsCount", action: "stats.logins_count" },
  { rule: "authorization", action: "authorization?" },
  { rule: "authorization.roles", action: "authorization?.roles", fallback: "[]" },
  // Rules' timestamps are milliseconds since the epoch; Actions' are ISO date strings.
  { rule: "authentication.methods", action: "authentication?.methods", convert: "ruleAuthenticationMethods" },
  { rule: "riskAssessment", action: "authentication?.riskAssessment" },
];

/**
 * `context` fields with no Action equivalent that the converter names specifically in its TODOs
 * (anything else not in CONTEXT_FIELDS is reported as an unknown field).
 */
export const CONTEXT_FIELDS_WITHOUT_EQUIVALENT: Readonly<Record<string, string>> = {
  connectionOptions: "context.connectionOptions (connection settings) is not available to Actions",
  sso: "context.sso (with_auth0, with_dbconn, current_clients) has no documented Action equivalent; event.session and event.authentication describe the session",
  samlConfiguration: "context.samlConfiguration: set attributes with api.samlResponse.setAttribute() (not converted automatically)",
  jwtConfiguration: "context.jwtConfiguration (token lifetime, custom scopes) has no Action equivalent",
  request: "context.request is shaped differently in Actions (user_agent, camelCase geoip): read the fields you need",
  stats: "context.stats is shaped differently in Actions: read context.stats.loginsCount",
  accessToken: "context.accessToken as a whole has no Action equivalent: set claims one by one",
  idToken: "context.idToken as a whole has no Action equivalent: set claims one by one",
};

/** Fields of the post-login v3 `event.user` (actions/types/post-login-v3.d.ts): `user.<field>` maps to `event.user.<field>`. */
export const USER_FIELDS: ReadonlySet<string> = new Set([
  "user_id",
  "email",
  "email_verified",
  "name",
  "nickname",
  "given_name",
  "family_name",
  "picture",
  "phone_number",
  "phone_verified",
  "username",
  "created_at",
  "updated_at",
  "last_password_reset",
  "app_metadata",
  "user_metadata",
  "identities",
  "multifactor",
  "enrolledFactors",
]);

/** Rule user fields the Action's event.user does not carry, with where the value went (for the TODO). */
export const USER_FIELDS_WITHOUT_EQUIVALENT: Readonly<Record<string, string>> = {
  logins_count: "user.logins_count is not on event.user; context.stats.loginsCount (event.stats.logins_count) counts logins",
  last_login: "user.last_login is not on event.user",
  last_ip: "user.last_ip is not on event.user; event.request.ip is this login's address",
  permissions: "user.permissions is not on event.user (Authorization extension data)",
  groups: "user.groups is not on event.user (Authorization extension or enterprise connection data)",
  blocked: "user.blocked is not on event.user (blocked users do not reach post-login)",
};

/**
 * The Action secret holding what a Rule read as `configuration.<key>`. Converted Actions name their
 * secrets in UPPER_SNAKE_CASE, so other keys are renamed (apiKey → API_KEY); the converter and the
 * parity harness both rename through this function.
 */
export function secretNameFor(configurationKey: string): string {
  if (CONVENTIONAL_SECRET_NAME.test(configurationKey)) return configurationKey;
  const snake = configurationKey
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toUpperCase();
  const name = /^[A-Z]/.test(snake) ? snake : `CONFIG_${snake}`;
  return name.slice(0, AUTH0_LIMITS.secretNameLength);
}

/**
 * The environment variable a tenant file names for a secret. Rules shared one `configuration`
 * across all Rules, so converted Actions share one variable per key (one Terraform variable per
 * stack, see src/constructs/post-login-action.ts).
 */
export function envVarForSecret(secretName: string): string {
  return `RULE_CONFIG_${secretName}`;
}

/** A path such as "transaction?.protocol" as segments with their optional flag. */
export function pathSegments(path: string): Array<{ name: string; optional: boolean }> {
  return path.split(".").map((segment) => ({ name: segment.replace(/\?$/, ""), optional: segment.endsWith("?") }));
}

/** The table row for the longest prefix of `rulePath` (segments after `context`), if any. */
export function contextMappingFor(rulePath: readonly string[]): { mapping: ContextFieldMapping; length: number } | undefined {
  let best: { mapping: ContextFieldMapping; length: number } | undefined;
  for (const mapping of CONTEXT_FIELDS) {
    const segments = mapping.rule.split(".");
    if (segments.length > rulePath.length || (best && best.length >= segments.length)) continue;
    if (segments.every((s, i) => rulePath[i] === s)) best = { mapping, length: segments.length };
  }
  return best;
}

/**
 * The event path of an object that contains mapped fields but is shaped differently itself
 * (`context.request.geoip` → `event.request.geoip`): usable only where its shape does not
 * matter, such as a truthiness test.
 */
export function contextObjectFor(rulePath: readonly string[]): string | undefined {
  for (const mapping of CONTEXT_FIELDS) {
    const rule = mapping.rule.split(".");
    const action = mapping.action.split(".");
    if (rule.length > rulePath.length && rule.length === action.length && rulePath.every((s, i) => rule[i] === s)) {
      return action.slice(0, rulePath.length).join(".");
    }
  }
  return undefined;
}
