/**
 * How the local tenant runs each trigger of src/triggers.ts (LOCAL_TRIGGERS, one entry per
 * trigger, so the compiler asks for a new trigger's entry), and the `event` objects it gives
 * Actions outside the login: built from the request the way Auth0 documents them
 * (actions/types/<trigger>-v2.d.ts). The local tenant has no GeoIP database, so `geoip` is empty,
 * as for a loopback address.
 */
import type { Event as CredentialsExchangeEvent } from "../../actions/types/credentials-exchange-v2";
import type { Event as PostChangePasswordEvent } from "../../actions/types/post-change-password-v2";
import type { Event as PostUserRegistrationEvent } from "../../actions/types/post-user-registration-v2";
import type { Event as PreUserRegistrationEvent, User as PreUser } from "../../actions/types/pre-user-registration-v2";
import type { TriggerId } from "../triggers";
import { DB_CONNECTION, userView, type DbUser } from "./db-users";

export interface RequestInfo {
  ip: string;
  method: string;
  hostname: string;
  userAgent?: string;
  language?: string;
  body: Record<string, unknown>;
}

const TENANT = { id: "local" };
const CONNECTION = { id: "con_local0000000001", name: DB_CONNECTION, strategy: "auth0" };
/** What Actions never see of a request body: credentials. */
const HIDDEN_BODY_FIELDS = ["client_secret", "password", "client_assertion"];

function request(info: RequestInfo) {
  return {
    ip: info.ip,
    method: info.method,
    hostname: info.hostname,
    geoip: {},
    ...(info.userAgent ? { user_agent: info.userAgent } : {}),
    ...(info.language ? { language: info.language } : {}),
  };
}

function visibleBody(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([k]) => !HIDDEN_BODY_FIELDS.includes(k)));
}

export function credentialsExchangeEvent(
  info: RequestInfo,
  client: { client_id: string; name: string; metadata: Record<string, string> },
  audience: string,
  scope: string[],
): CredentialsExchangeEvent {
  return {
    accessToken: { customClaims: {}, scope },
    client,
    request: { ...request(info), body: visibleBody(info.body) },
    resource_server: { identifier: audience },
    secrets: {},
    tenant: TENANT,
    transaction: { requested_scopes: typeof info.body.scope === "string" ? info.body.scope.split(" ").filter(Boolean) : [] },
  };
}

export function preUserRegistrationEvent(
  info: RequestInfo,
  client: { client_id: string; name: string } | undefined,
  user: PreUser,
): PreUserRegistrationEvent {
  return {
    user,
    ...(client ? { client: { ...client, metadata: {} } } : {}),
    connection: CONNECTION,
    request: { ...request(info), query: {}, body: visibleBody(info.body) },
    secrets: {},
    tenant: TENANT,
  };
}

export function postUserRegistrationEvent(
  info: RequestInfo,
  client: { client_id: string; name: string } | undefined,
  user: DbUser,
): PostUserRegistrationEvent {
  return {
    user: userView(user) as unknown as PostUserRegistrationEvent["user"],
    ...(client ? { client: { ...client, metadata: {} } } : {}),
    connection: CONNECTION,
    request: request(info),
    secrets: {},
    tenant: TENANT,
  };
}

export function postChangePasswordEvent(info: RequestInfo, user: DbUser): PostChangePasswordEvent {
  return {
    user: userView(user) as unknown as PostChangePasswordEvent["user"],
    connection: CONNECTION,
    request: request(info),
    secrets: {},
    tenant: TENANT,
  };
}

export interface LocalTrigger {
  /** Which request runs the trigger's flow on the local tenant, and in which module; or why nothing does. */
  readonly runs: string;
  /**
   * Builds the trigger's event from the request; null when the driver builds it per Action itself
   * (post-login) or the local tenant never runs the trigger.
   */
  readonly event: ((...args: never[]) => object) | null;
}

/** Every trigger of the table, as the local tenant runs it. Routes build events through this record. */
export const LOCAL_TRIGGERS = {
  "post-login": {
    runs: "every login and refresh-token exchange: LoginService in login.ts",
    event: null,
  },
  "credentials-exchange": {
    runs: "POST /oauth/token with grant_type=client_credentials: client-credentials.ts",
    event: credentialsExchangeEvent,
  },
  "pre-user-registration": {
    runs: "POST /dbconnections/signup, before the user is created: routes/dbconnections.ts",
    event: preUserRegistrationEvent,
  },
  "post-user-registration": {
    runs: "POST /dbconnections/signup, after the response: routes/dbconnections.ts",
    event: postUserRegistrationEvent,
  },
  "post-change-password": {
    runs: "PATCH /api/v2/users/{id} with a password, after the response: routes/users.ts",
    event: postChangePasswordEvent,
  },
  "send-phone-message": {
    runs: "never: the local tenant has no SMS or voice MFA, so nothing sends a phone message",
    event: null,
  },
} as const satisfies { readonly [T in TriggerId]: LocalTrigger };

/** RequestInfo of a fastify request. */
export function requestInfo(req: {
  ip: string;
  method: string;
  hostname: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}): RequestInfo {
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return {
    ip: req.ip,
    method: req.method,
    hostname: req.hostname.replace(/:\d+$/, ""),
    ...(header("user-agent") ? { userAgent: header("user-agent") } : {}),
    ...(header("accept-language") ? { language: header("accept-language")!.split(",")[0] } : {}),
    body: req.body && typeof req.body === "object" && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {},
  };
}
