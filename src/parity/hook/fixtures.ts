/**
 * Hook parity fixtures: one run each, written as the Action's `event` for the trigger (only what
 * matters to the fixture; defaults fill what every real run has), the Hook's secrets by the
 * Hook's names, and canned answers for outgoing HTTP calls. hooks/<name>.fixtures.json holds them:
 *
 *   { "trigger": "credentials-exchange", "migration": {...}, "fixtures": [ { "name", "event", "secrets", "http" } ] }
 *
 * The Hook's arguments are built from the same event in the shapes Auth0 documents for each Hook
 * type (hook-shapes.ts), apart from the converter's table, so both sides start from one input and
 * a wrong row in that table shows as a difference.
 */
import { z, type ZodIssue } from "zod";
import { describeIssue, httpExchangeSchema, issuePath, readFixtureJson } from "../fixture-file";
import { HOOK_TYPES, type HookType } from "../../migrate/hook/hook-types";
import { secretNameFor } from "../../migrate/mapping";
import type { HttpExchange } from "../fixtures";
import { UserFacingError } from "../../errors";
import { documentedHookInputs } from "./hook-shapes";

const fixture = z
  .object({
    name: z.string().min(1),
    /** Fields of the Action's event for this trigger, merged over the defaults. */
    event: z.record(z.unknown()).default({}),
    /** Secrets by the Hook's names (context.webtask.secrets.NAME). */
    secrets: z.record(z.string()).default({}),
    http: z.array(httpExchangeSchema).default([]),
  })
  .strict();

export const hookFixtureFileSchema = z
  .object({
    description: z.string().optional(),
    trigger: z.enum(HOOK_TYPES),
    migration: z
      .object({
        fullyConverted: z.boolean(),
        todos: z.array(z.string().startsWith("MIGRATION_TODO_")).default([]),
      })
      .strict(),
    fixtures: z.array(fixture).min(1),
  })
  .strict();

export type HookFixtureFile = z.infer<typeof hookFixtureFileSchema>;
export type HookFixture = HookFixtureFile["fixtures"][number];

export class HookFixtureError extends UserFacingError {
  constructor(message: string) {
    super(message);
    this.name = "HookFixtureError";
  }
}

export function loadHookFixtureFile(file: string): HookFixtureFile {
  const raw = readFixtureJson(file, (message) => new HookFixtureError(message));
  const parsed = hookFixtureFileSchema.safeParse(raw);
  if (!parsed.success)
    throw new HookFixtureError(parsed.error.issues.map((issue) => `${file}: ${issuePath(issue)}: ${describe(issue)}`).join("\n"));
  return parsed.data;
}

function describe(issue: ZodIssue): string {
  if (issue.code === "invalid_enum_value") return `must be one of ${issue.options.join(", ")}, not "${String(issue.received)}"`;
  return describeIssue(issue, "a fixture has name, event, secrets, http (see docs/hook-migration.md)");
}

const REQUEST = {
  ip: "203.0.113.10",
  method: "POST",
  hostname: "fixture-tenant.eu.auth0.com",
  language: "en",
  user_agent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
  geoip: {
    countryCode: "DE",
    countryCode3: "DEU",
    countryName: "Germany",
    cityName: "Berlin",
    continentCode: "EU",
    timeZone: "Europe/Berlin",
  },
};
const CLIENT = { client_id: "fixture-client-id", name: "Fixture App", metadata: {} };
const CONNECTION = { id: "con_fixture", name: "Username-Password-Authentication", strategy: "auth0", metadata: {} };
const TENANT = { id: "fixture-tenant" };
const CREATED_USER = {
  user_id: "auth0|6740a1b2c3d4e5f600000001",
  email: "new.user@example.com",
  email_verified: false,
  username: undefined,
  created_at: "2026-11-01T08:00:00.000Z",
  updated_at: "2026-11-01T08:00:00.000Z",
  app_metadata: {},
  user_metadata: {},
  identities: [],
};

/** What every run of each trigger has, before the fixture's own fields. */
const DEFAULT_EVENTS: Record<HookType, Record<string, unknown>> = {
  "credentials-exchange": {
    accessToken: { customClaims: {}, scope: ["read:data"] },
    client: CLIENT,
    request: { ...REQUEST, body: { grant_type: "client_credentials", audience: "https://api.example.com/" } },
    resource_server: { identifier: "https://api.example.com/" },
    tenant: TENANT,
    transaction: { requested_scopes: [] },
  },
  "pre-user-registration": {
    user: { email: "new.user@example.com", app_metadata: {}, user_metadata: {} },
    client: CLIENT,
    connection: CONNECTION,
    request: { ...REQUEST, body: {} },
    tenant: TENANT,
  },
  "post-user-registration": { user: CREATED_USER, client: CLIENT, connection: CONNECTION, request: REQUEST, tenant: TENANT },
  "post-change-password": {
    user: { ...CREATED_USER, last_password_reset: "2026-11-20T10:00:00.000Z" },
    connection: CONNECTION,
    request: REQUEST,
    tenant: TENANT,
  },
  "send-phone-message": {
    user: { ...CREATED_USER, phone_number: "+15555550100" },
    client: CLIENT,
    message_options: {
      action: "second-factor-authentication",
      code: "123456",
      message_type: "sms",
      recipient: "+15555550100",
      text: "Your verification code is 123456",
    },
    request: REQUEST,
    tenant: TENANT,
  },
};

/** One run, normalized: the Action's event and, built from it, the Hook's arguments. */
export interface HookInvocation {
  name: string;
  event: Record<string, unknown>;
  hookArgs: unknown[];
  hookContext: Record<string, unknown>;
  hookSecrets: Record<string, string>;
  http: HttpExchange[];
}

export function normalizeHookFixture(hookType: HookType, f: HookFixture): HookInvocation {
  const event = merge(structuredClone(DEFAULT_EVENTS[hookType]), structuredClone(f.event)) as Record<string, unknown>;
  event.secrets = Object.fromEntries(Object.entries(f.secrets).map(([name, value]) => [secretNameFor(name), value]));
  const hook = documentedHookInputs(hookType, event);
  return {
    name: f.name,
    event: jsonCopy(event),
    hookArgs: hook.args,
    hookContext: hook.context,
    hookSecrets: { ...f.secrets },
    http: f.http,
  };
}

/** Objects merge key by key (a fixture states only what matters); arrays and values replace. */
function merge(base: unknown, over: unknown): unknown {
  if (typeof base !== "object" || base === null || Array.isArray(base) || typeof over !== "object" || over === null || Array.isArray(over))
    return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(over as Record<string, unknown>)) out[key] = merge(out[key], value);
  return out;
}

function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
