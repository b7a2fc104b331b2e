/**
 * Parity fixtures: logins written the way a Rule saw them (`user`, `context` with clientID,
 * request.userAgent, geoip.country_code, …, and `configuration`), plus canned answers for
 * outgoing HTTP calls. rules/<name>.fixtures.json holds them:
 *
 *   { "fixtures": [ { "name": "...", "user": {...}, "context": {...}, "configuration": {...}, "http": [...] } ] }
 *
 * Defaults fill what every real login has, so a fixture states only what matters to it. Both
 * sides of a parity run start from the same normalized login (see event-from-login.ts).
 */
import { z } from "zod";
import { UserFacingError } from "../errors";
import { describeIssue, httpExchangeSchema, issuePath, readFixtureJson } from "./fixture-file";

const json = z.record(z.unknown());

const geoip = z
  .object({
    country_code: z.string(),
    country_code3: z.string(),
    country_name: z.string(),
    city_name: z.string(),
    continent_code: z.string(),
    time_zone: z.string(),
    latitude: z.number(),
    longitude: z.number(),
  })
  .partial()
  .strict();

const request = z
  .object({
    ip: z.string(),
    hostname: z.string(),
    method: z.string(),
    language: z.string(),
    userAgent: z.string(),
    query: json,
    body: json,
    geoip,
  })
  .partial()
  .strict();

/** The Rule `context` a fixture may set: the inputs of a login, not what a Rule writes (idToken, multifactor, …). */
const ruleContext = z
  .object({
    clientID: z.string(),
    clientName: z.string(),
    clientMetadata: z.record(z.string()),
    connection: z.string(),
    connectionID: z.string(),
    connectionStrategy: z.string(),
    connectionMetadata: z.record(z.string()),
    protocol: z.string(),
    tenant: z.string(),
    sessionID: z.string(),
    organization: z.object({ id: z.string(), name: z.string(), display_name: z.string(), metadata: z.record(z.string()) }).strict(),
    request,
    stats: z.object({ loginsCount: z.number().int().nonnegative() }).strict(),
    authorization: z.object({ roles: z.array(z.string()) }).strict(),
    // Rules' shape: timestamps in milliseconds since the epoch.
    authentication: z.object({ methods: z.array(z.object({ name: z.string(), timestamp: z.number() }).passthrough()) }).strict(),
    riskAssessment: json,
    // Fields without an Action equivalent, for Rules whose conversion leaves them as TODOs.
    sso: json,
    connectionOptions: json,
    samlConfiguration: json,
    jwtConfiguration: json,
  })
  .partial()
  .strict();

const ruleUser = z
  .object({
    user_id: z.string().min(1),
    email_verified: z.boolean().optional(),
    app_metadata: json.optional(),
    user_metadata: json.optional(),
    identities: z.array(json).optional(),
  })
  .passthrough();

const fixture = z
  .object({
    name: z.string().min(1),
    user: ruleUser,
    context: ruleContext.default({}),
    configuration: z.record(z.string()).default({}),
    http: z.array(httpExchangeSchema).default([]),
  })
  .strict();

export const fixtureFileSchema = z
  .object({
    description: z.string().optional(),
    /** What converting the Rule is expected to give (the corpus tests hold it to this). */
    migration: z
      .object({
        fullyConverted: z.boolean(),
        /** MIGRATION_TODO_* markers the conversion must report when it is not complete. */
        todos: z.array(z.string().startsWith("MIGRATION_TODO_")).default([]),
      })
      .strict()
      .optional(),
    fixtures: z.array(fixture).min(1),
  })
  .strict();

export type FixtureFile = z.infer<typeof fixtureFileSchema>;
export type HttpExchange = z.infer<typeof httpExchangeSchema>;

/** One login, normalized: the exact input both the Rule and the Action get. */
export interface RuleLogin {
  name: string;
  /** As the Rule saw it: app_metadata/user_metadata stay absent when the fixture has none (Rules did that). */
  user: Record<string, unknown> & { user_id: string };
  context: Record<string, unknown> & { request: Record<string, unknown> };
  configuration: Record<string, string>;
  http: HttpExchange[];
  /** Scopes the application asked for (context.request.query.scope, else body.scope). */
  requestedScopes: string[];
}

export class FixtureError extends UserFacingError {
  constructor(message: string) {
    super(message);
    this.name = "FixtureError";
  }
}

export function loadFixtureFile(file: string): FixtureFile {
  return parseFixtureFile(
    file,
    readFixtureJson(file, (message) => new FixtureError(message)),
  );
}

export function parseFixtureFile(file: string, raw: unknown): FixtureFile {
  const parsed = fixtureFileSchema.safeParse(raw);
  if (!parsed.success)
    throw new FixtureError(
      parsed.error.issues.map((issue) => `${file}: ${issuePath(issue)}: ${describeIssue(issue, RULE_FIXTURE_HINT)}`).join("\n"),
    );
  return parsed.data;
}

const RULE_FIXTURE_HINT = "a fixture holds login inputs as a Rule saw them (see docs/rule-migration.md)";

const DEFAULT_CONTEXT = {
  clientID: "fixture-client-id",
  clientName: "Fixture App",
  clientMetadata: {},
  connection: "Username-Password-Authentication",
  connectionID: "con_fixture",
  connectionStrategy: "auth0",
  protocol: "oidc-basic-profile",
  tenant: "fixture-tenant",
  sessionID: "fixture-session",
  stats: { loginsCount: 1 },
  authorization: { roles: [] as string[] },
  // Every interactive login has completed one method; Rules saw milliseconds since the epoch.
  authentication: { methods: [{ name: "pwd", timestamp: 1764403200000 }] },
};

const DEFAULT_REQUEST = {
  ip: "203.0.113.10",
  hostname: "fixture-tenant.eu.auth0.com",
  method: "GET",
  language: "en",
  userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
  query: { scope: "openid profile email" } as Record<string, unknown>,
  body: {},
  geoip: {
    country_code: "DE",
    country_code3: "DEU",
    country_name: "Germany",
    city_name: "Berlin",
    continent_code: "EU",
    time_zone: "Europe/Berlin",
    latitude: 52.52,
    longitude: 13.4,
  },
};

/** Fills what every real login has; a fixture's own values win (request and geoip are merged one level deep). */
export function normalizeFixture(f: FixtureFile["fixtures"][number]): RuleLogin {
  const request = {
    ...DEFAULT_REQUEST,
    ...(f.context.request ?? {}),
    geoip: { ...DEFAULT_REQUEST.geoip, ...(f.context.request?.geoip ?? {}) },
  };
  const context = structuredClone({ ...DEFAULT_CONTEXT, ...f.context, request });
  const user = structuredClone({
    email_verified: false,
    created_at: "2024-01-15T09:30:00.000Z",
    updated_at: "2026-11-01T08:00:00.000Z",
    identities: [],
    ...f.user,
  });
  const scope = request.query.scope ?? (request.body as Record<string, unknown>).scope;
  const requestedScopes = typeof scope === "string" ? scope.split(" ").filter((s) => s !== "") : [];
  return { name: f.name, user, context, configuration: { ...f.configuration }, http: f.http, requestedScopes };
}
