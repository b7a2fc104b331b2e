/**
 * The Action's post-login event for a Rule-shaped login: the documented Rule → Action table
 * (src/migrate/mapping.ts) read backwards. The converter maps `context.request.userAgent` to
 * `event.request.user_agent`; this puts the fixture's `context.request.userAgent` at
 * `event.request.user_agent`. One table, so the two directions cannot drift apart.
 */
import type { Event } from "../../actions/types/post-login-v3";
import { CONTEXT_FIELDS, pathSegments, secretNameFor, type ContextFieldMapping } from "../migrate/mapping";
import type { RuleLogin } from "./fixtures";

export function eventFromLogin(login: RuleLogin): Event {
  const event: Record<string, unknown> = {
    user: {
      ...structuredClone(login.user),
      // Documented as always objects in Actions (the Rule may have seen them absent).
      app_metadata: structuredClone(login.user.app_metadata ?? {}),
      user_metadata: structuredClone(login.user.user_metadata ?? {}),
      identities: structuredClone(login.user.identities ?? []),
    },
    secrets: Object.fromEntries(Object.entries(login.configuration).map(([key, value]) => [secretNameFor(key), value])),
    transaction: { acr_values: [], locale: "en", ui_locales: [], requested_scopes: [...login.requestedScopes] },
    request: { geoip: {} },
  };
  for (const mapping of CONTEXT_FIELDS) {
    const value = getPath(login.context, mapping.rule.split("."));
    if (value === undefined) continue;
    setPath(
      event,
      pathSegments(mapping.action).map((s) => s.name),
      mapping.convert ? INVERSE[mapping.convert](value) : structuredClone(value),
    );
  }
  return event as unknown as Event;
}

/** The inverse of each converting helper of the table (src/migrate/emit.ts): Rule shape → event shape. */
const INVERSE: Record<NonNullable<ContextFieldMapping["convert"]>, (value: unknown) => unknown> = {
  ruleAuthenticationMethods: (methods) =>
    (methods as Array<{ timestamp: number }>).map((m) => ({ ...m, timestamp: new Date(m.timestamp).toISOString() })),
};

function getPath(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let current = target;
  for (const key of path.slice(0, -1)) {
    if (typeof current[key] !== "object" || current[key] === null) current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  // A whole object (e.g. authorization) and a field inside it (authorization.roles) both map: merge.
  if (typeof current[last] === "object" && current[last] !== null && typeof value === "object" && value !== null && !Array.isArray(value)) {
    Object.assign(current[last], value);
  } else {
    current[last] = value;
  }
}
