/**
 * A login on the local tenant, the way Auth0's post-login flow runs it:
 *   1. the user comes from the fixture directory (plus what earlier logins' Actions stored);
 *   2. the deployed version of each post-login Action bound to the flow runs, in binding order,
 *      in its sandbox process (src/sandbox; warm per deployed version, see action-runner.ts) with
 *      the v3 `event`; the `api` calls it made are replayed onto the post-login api of src/actions-runtime;
 *   3. api.access.deny, a thrown error or the flow's 20 s limit fails the login with access_denied;
 *   4. Auth0's claim rules apply: restricted names and auth0.com/webtask.io/webtask.run namespaces
 *      are dropped silently, more than 100 KB of custom claims in one token fails the login;
 *   5. the ID token is signed RS256 with the tenant key published at /.well-known/jwks.json.
 */
import type { Event, Request, Transaction } from "../../actions/types/post-login-v3";
import { claimBytes, droppedClaimReason, MAX_CUSTOM_CLAIMS_BYTES } from "../../actions/lib/claim-rules";
import { ACTION_TIME_LIMIT_MS, emptyOutcome, recordingApi, type PostLoginOutcome } from "../actions-runtime/run-post-login";
import type { DependencyStore } from "../sandbox/dependencies";
import { replayCalls } from "../sandbox/replay";
import type { SandboxPool, SandboxResult } from "../sandbox/sandbox";
import { freshRunner, type DeployedActionRunner } from "./action-runner";
import { OAuthError } from "./errors";
import type { TenantModel } from "./model";
import { ID_TOKEN_TTL_SECONDS, type TokenIssuer } from "./tokens";
import { eventUser, type FixtureUser, type UserDirectory } from "./users";

/** The application users log in to; the ID token's audience. */
export const LOCAL_APP = { client_id: "local-app", name: "Local App" } as const;

export interface LoginRequest {
  /** Login name (fixture file name), user_id or email. */
  user: string;
  client_id?: string;
  nonce?: string;
  /** event.client.name; default: the client id (or "Local App"). */
  client_name?: string;
  /** What an /authorize request adds to the event (src/local-tenant/oidc): its transaction, HTTP request and session. */
  context?: { transaction?: Partial<Transaction>; request?: Partial<Request>; session?: Event["session"] };
}

/** A completed post-login flow, before any token is signed: what the OIDC endpoints put in their tokens. */
export interface Authentication {
  user_id: string;
  /** Profile claims (name, nickname, picture, updated_at, email, email_verified) of the user. */
  profile: Record<string, unknown>;
  /** Custom claims of the ID and access tokens, after Auth0's claim rules. */
  id_claims: Record<string, unknown>;
  access_claims: Record<string, unknown>;
  dropped_claims: string[];
  executed: string[];
}

export interface LoginResult {
  id_token: string;
  token_type: "Bearer";
  expires_in: number;
  /** Names of claims Actions set that Auth0's rules dropped, for the log (never their values). */
  dropped_claims: string[];
  /** Which Action versions ran, in order: "<action name> v<number>". */
  executed: string[];
}

/** A login failure, answered as the authentication API does: {"error": ..., "error_description": ...}. */
export class LoginError extends OAuthError {
  constructor(statusCode: number, error: string, description: string) {
    super(statusCode, error, description);
    this.name = "LoginError";
  }
}

export interface LoginOptions {
  /** Time limit of the whole post-login flow. Default: Auth0's 20 s. */
  flowTimeoutMs?: number;
  /** Where the Actions' installed dependencies are; without it an Action can require built-ins only. */
  dependencies?: DependencyStore;
  /** Runs each deployed Action version (the server: warm processes). Default: a fresh process per execution. */
  runAction?: DeployedActionRunner;
  /** Without runAction: sandbox processes started ahead of logins, so an execution does not wait for Node to start. */
  sandboxPool?: SandboxPool;
}

export class LoginService {
  private readonly runAction: DeployedActionRunner;

  constructor(
    private readonly model: TenantModel,
    private readonly users: UserDirectory,
    private readonly tokens: TokenIssuer,
    private readonly options: LoginOptions = {},
  ) {
    this.runAction = options.runAction ?? freshRunner(options.sandboxPool);
  }

  async login(request: LoginRequest): Promise<LoginResult> {
    const done = await this.authenticate(request);
    const audience = request.client_id ?? LOCAL_APP.client_id;
    const idToken = await this.tokens.idToken({ ...done.profile, ...done.id_claims }, done.user_id, audience, request.nonce);
    return {
      id_token: idToken,
      token_type: "Bearer",
      expires_in: ID_TOKEN_TTL_SECONDS,
      dropped_claims: done.dropped_claims,
      executed: done.executed,
    };
  }

  /** Runs the post-login flow for the user and applies Auth0's claim rules; LoginError when the login fails. */
  async authenticate(request: LoginRequest): Promise<Authentication> {
    const fixture = this.users.find(request.user);
    if (!fixture)
      throw new LoginError(
        403,
        "invalid_grant",
        `Wrong email or password. (no user "${request.user}"; known: ${this.users.logins().join(", ")})`,
      );
    const clientId = request.client_id ?? LOCAL_APP.client_id;
    const stored = this.model.userOverlay(fixture.user_id);
    const user = eventUser(fixture, stored);
    const flow = await this.runFlow(this.event(user, clientId, (stored?.logins_count ?? 0) + 1, request));
    const id = applyClaimRules(flow.idClaims);
    const access = applyClaimRules(flow.accessClaims);
    checkClaimSizes({ ID: id.bytes, access: access.bytes });
    this.model.recordLogin(
      fixture.user_id,
      { app_metadata: flow.appMetadata, user_metadata: flow.userMetadata },
      { app_metadata: user.app_metadata, user_metadata: user.user_metadata },
    );
    return {
      user_id: fixture.user_id,
      profile: profileClaims(fixture),
      id_claims: id.kept,
      access_claims: access.kept,
      dropped_claims: [...id.dropped, ...access.dropped],
      executed: flow.executed,
    };
  }

  /**
   * Runs the deployed post-login Actions in binding order within the flow's time limit, each seeing
   * the metadata earlier ones set (as Auth0 exposes it within one flow); a denial or an error stops
   * the login.
   */
  private async runFlow(baseEvent: Event): Promise<FlowChanges> {
    const deadline = Date.now() + (this.options.flowTimeoutMs ?? ACTION_TIME_LIMIT_MS);
    const changes: FlowChanges = { idClaims: {}, accessClaims: {}, appMetadata: {}, userMetadata: {}, executed: [] };
    const { user } = baseEvent;
    for (const { action, version } of this.model.deployedFlow("post-login")) {
      const remaining = deadline - Date.now();
      if (remaining <= 0)
        throw new LoginError(403, "access_denied", `The post-login flow did not complete within ${this.limitSeconds()} seconds.`);
      const event: Event = {
        ...baseEvent,
        user: {
          ...user,
          app_metadata: { ...user.app_metadata, ...changes.appMetadata },
          user_metadata: { ...user.user_metadata, ...changes.userMetadata },
        },
      };
      const result = await this.runAction(action, version, {
        code: version.code,
        trigger: "post-login",
        exportName: "onExecutePostLogin",
        event,
        secrets: Object.fromEntries(version.secrets.map((s) => [s.name, s.value])),
        dependencies: this.options.dependencies?.installedDirs(version.dependencies) ?? {},
        modules: this.model.modulesOf(version),
        timeoutMs: remaining,
      });
      changes.executed.push(`${action.name} v${version.number}`);
      this.mergeOutcome(changes, action.name, postLoginOutcome(result));
    }
    return changes;
  }

  /** Adds what one Action asked for to the flow's changes; its denial or error fails the login. */
  private mergeOutcome(changes: FlowChanges, actionName: string, outcome: PostLoginOutcome): void {
    if (outcome.denied) throw new LoginError(403, "access_denied", outcome.denied.reason);
    if (outcome.error) {
      const timedOut = /did not complete within/.test(outcome.error);
      throw new LoginError(
        403,
        "access_denied",
        timedOut ? `The post-login flow did not complete within ${this.limitSeconds()} seconds.` : `${actionName}: ${outcome.error}`,
      );
    }
    const notCarriedOut = asksNotEmulated(outcome);
    if (notCarriedOut.length > 0)
      throw new LoginError(
        501,
        "not_implemented",
        `${actionName} called ${notCarriedOut.join(", ")}: the local tenant does not emulate this, and Auth0 would not issue these tokens as they are (docs/local-tenant.md, Logins)`,
      );
    Object.assign(changes.idClaims, outcome.idTokenClaims);
    Object.assign(changes.accessClaims, outcome.accessTokenClaims);
    Object.assign(changes.appMetadata, outcome.appMetadata);
    Object.assign(changes.userMetadata, outcome.userMetadata);
  }

  private limitSeconds(): number {
    return (this.options.flowTimeoutMs ?? ACTION_TIME_LIMIT_MS) / 1000;
  }

  private event(user: Event["user"], clientId: string, loginsCount: number, request: LoginRequest): Event {
    const host = this.tokens.domain.replace(/:\d+$/, "");
    const { transaction, request: http, session } = request.context ?? {};
    return {
      user,
      client: {
        client_id: clientId,
        name: request.client_name ?? (clientId === LOCAL_APP.client_id ? LOCAL_APP.name : clientId),
        metadata: {},
      },
      connection: {
        id: "con_local0000000001",
        name: user.identities[0]?.connection ?? "Username-Password-Authentication",
        strategy: "auth0",
      },
      request: { ip: "127.0.0.1", method: "POST", hostname: host, query: {}, body: {}, geoip: {}, ...http },
      tenant: { id: "local" },
      stats: { logins_count: loginsCount },
      secrets: {},
      authorization: { roles: [] },
      transaction: {
        acr_values: [],
        locale: "en",
        protocol: "oidc-basic-profile",
        requested_scopes: ["openid", "profile", "email"],
        ui_locales: [],
        ...transaction,
      },
      ...(session ? { session } : {}),
    };
  }
}

/**
 * The api calls of a post-login Action that change what Auth0 does next and that this tenant does not
 * carry out: an MFA challenge, a redirect, a change of primary user, scope changes. Answering with
 * tokens anyway would claim a login Auth0 would not complete as is, so the login fails naming them.
 * (SAML attributes are left out: Auth0 itself ignores them in an OIDC login.)
 */
function asksNotEmulated(outcome: PostLoginOutcome): string[] {
  const asks: string[] = [];
  if (outcome.multifactor) asks.push(`api.multifactor.enable(${JSON.stringify(outcome.multifactor.provider)})`);
  if (outcome.redirect) asks.push("api.redirect.sendUserTo");
  if (outcome.primaryUser !== undefined) asks.push("api.authentication.setPrimaryUser");
  if (outcome.addedScopes.length > 0 || outcome.removedScopes.length > 0) asks.push("api.accessToken.addScope/removeScope");
  return asks;
}

/** What a post-login execution asked for: the sandbox's recorded calls replayed onto the v3 api. */
function postLoginOutcome(result: SandboxResult): PostLoginOutcome {
  const outcome = emptyOutcome();
  outcome.logs = result.logs;
  if (result.error !== undefined) {
    outcome.error = result.error;
    return outcome;
  }
  try {
    replayCalls(recordingApi(outcome), result.calls);
  } catch (error) {
    outcome.error = (error as Error).message;
  }
  return outcome;
}

/** What the Actions of one post-login flow asked for, merged in binding order. */
interface FlowChanges {
  idClaims: Record<string, unknown>;
  accessClaims: Record<string, unknown>;
  appMetadata: Record<string, unknown>;
  userMetadata: Record<string, unknown>;
  /** Which Action versions ran, in order: "<action name> v<number>". */
  executed: string[];
}

/** Auth0 fails a login whose custom claims, after its rules, exceed the limit in either token. */
function checkClaimSizes(bytesByToken: { ID: number; access: number }): void {
  for (const [token, bytes] of Object.entries(bytesByToken)) {
    if (bytes > MAX_CUSTOM_CLAIMS_BYTES) {
      throw new LoginError(
        403,
        "access_denied",
        `The custom claims of the ${token} token are ${bytes} bytes; Auth0 allows ${MAX_CUSTOM_CLAIMS_BYTES}.`,
      );
    }
  }
}

/** The profile claims of a fixture user (name, nickname, picture, updated_at, email, email_verified). */
function profileClaims(fixture: FixtureUser): Record<string, unknown> {
  return {
    ...(fixture.nickname !== undefined ? { nickname: fixture.nickname } : {}),
    ...(fixture.name !== undefined ? { name: fixture.name } : {}),
    ...(fixture.picture !== undefined ? { picture: fixture.picture } : {}),
    updated_at: fixture.updated_at,
    ...(fixture.email !== undefined ? { email: fixture.email, email_verified: fixture.email_verified } : {}),
  };
}

/** Auth0's rules for the custom claims of one token: what is kept, what is dropped, and the size. */
export function applyClaimRules(claims: Record<string, unknown>): { kept: Record<string, unknown>; dropped: string[]; bytes: number } {
  const kept: Record<string, unknown> = {};
  const dropped: string[] = [];
  let bytes = 0;
  for (const [name, value] of Object.entries(claims)) {
    if (droppedClaimReason(name) !== undefined) {
      dropped.push(name);
      continue;
    }
    // A value that is not JSON (a function, a BigInt) cannot be serialized into a token: dropped too.
    const size = claimBytes(name, value);
    if (size === undefined) {
      dropped.push(name);
      continue;
    }
    bytes += size;
    kept[name] = value;
  }
  return { kept, dropped, bytes };
}
