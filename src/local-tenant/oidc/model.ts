/**
 * The state and rules of the local tenant's OIDC login, without HTTP (moto's `models`): what an
 * /authorize request may ask, login transactions waiting on the login page, sessions (single
 * sign-on, max_age), authorization codes (single-use, short-lived, bound to client, redirect_uri and
 * PKCE challenge), the access tokens /userinfo accepts and rotating refresh tokens (offline_access).
 * routes.ts only translates requests to calls.
 *
 * All of it lives in memory: a restarted tenant forgets codes, sessions, access and refresh tokens
 * (ID tokens are JWTs and stay verifiable).
 */
import { createHash, randomBytes } from "node:crypto";
import { OAuthError } from "../errors";
import { secretMatches } from "../tokens";
import type { Authentication } from "../login";
import type { ClientRegistry, OidcClient } from "./clients";

/** How long a code may wait for its exchange. Auth0 does not document it; community answers report 60 s. */
export const AUTHORIZATION_CODE_TTL_MS = 60_000;
/** How long the login page may stay open before its transaction is forgotten. */
export const TRANSACTION_TTL_MS = 30 * 60_000;
/** Auth0's default lifetime of access tokens for /userinfo (the tenant's token_lifetime). */
export const ACCESS_TOKEN_TTL_SECONDS = 86_400;
/** Auth0's default inactivity timeout of a login session. */
export const SESSION_TTL_MS = 3 * 86_400_000;
/** Auth0's defaults for rotating refresh tokens: 15 days unused (inactivity), 30 days from the login (absolute). */
export const REFRESH_TOKEN_IDLE_TTL_MS = 15 * 86_400_000;
export const REFRESH_TOKEN_ABSOLUTE_TTL_MS = 30 * 86_400_000;
/** Auth0's answer to any refresh token it will not honour: unknown, expired, revoked, another client's or reused. */
export const INVALID_REFRESH_TOKEN = "Unknown or invalid refresh token.";
/** Bounds each in-memory table, so a tenant left running (or a client in a loop) cannot grow without end. */
const MAX_ENTRIES = 10_000;

export const RESPONSE_MODES = ["query", "fragment", "form_post"] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];
/** Response types Auth0 knows; only "code" is implemented here (the others answer unsupported_response_type). */
const KNOWN_RESPONSE_TYPES = ["code", "token", "id_token", "code token", "code id_token", "token id_token", "code token id_token"];

/** Profile claims per OIDC scope, as Auth0 releases them in ID tokens and /userinfo. */
export const SCOPE_CLAIMS: Readonly<Record<string, readonly string[]>> = {
  profile: ["name", "nickname", "given_name", "family_name", "picture", "updated_at"],
  email: ["email", "email_verified"],
};

/** Where (and how) the answer to an /authorize request goes. */
export interface RedirectTarget {
  redirect_uri: string;
  response_mode: ResponseMode;
  state?: string;
}

export interface AuthorizeTransaction extends RedirectTarget {
  id: string;
  client: OidcClient;
  scope: string[];
  nonce?: string;
  code_challenge?: string;
  code_challenge_method?: "S256" | "plain";
  prompt: string[];
  /** OIDC max_age in seconds: the login may be at most this old, else the user logs in again (0: always). */
  max_age?: number;
  login_hint?: string;
  /** The /authorize query as received, for event.request.query. */
  query: Record<string, string>;
  expires_at: number;
}

export type AuthorizeOutcome =
  /** Auth0 shows an error page and does not redirect: the client or its callback URL is not trusted. */
  | { kind: "error-page"; error: string; description: string }
  /** The error goes back to the application's callback. */
  | { kind: "redirect-error"; target: RedirectTarget; error: string; description: string }
  | { kind: "ok"; transaction: AuthorizeTransaction };

export interface Session {
  id: string;
  /** The user's login name (fixture file name). */
  login: string;
  user_id: string;
  created_at: number;
  authenticated_at: number;
  expires_at: number;
}

interface CodeGrant {
  client_id: string;
  redirect_uri: string;
  scope: string[];
  nonce?: string;
  code_challenge?: string;
  code_challenge_method?: "S256" | "plain";
  session_id: string;
  auth: Authentication;
  /** When the user logged in (seconds); signed as auth_time when the request asked about it. */
  auth_time: number;
  auth_time_required: boolean;
  expires_at: number;
}

interface AccessGrant {
  client_id: string;
  scope: string[];
  userinfo: Record<string, unknown>;
  expires_at: number;
}

/** What the token endpoint signs and answers once a code is redeemed. */
export interface RedeemedCode {
  client_id: string;
  scope: string[];
  nonce?: string;
  session_id: string;
  auth: Authentication;
  /** Present when the ID token must carry auth_time (max_age or prompt=login was asked). */
  auth_time?: number;
}

/** A refresh token's grant: what a new ID and access token are made from, without the Actions' output (they run again). */
export interface RefreshGrant {
  client_id: string;
  scope: string[];
  user_id: string;
  session_id: string;
  auth_time?: number;
}

interface StoredRefreshToken extends RefreshGrant {
  /** Every token rotated from one login shares a family; reuse of a rotated one revokes them all. */
  family: string;
  rotated: boolean;
  family_expires_at: number;
  expires_at: number;
}

/** The client as the token request presented it. */
export interface PresentedClient {
  client_id?: string;
  client_secret?: string;
  /** How the secret came: HTTP Basic or form fields. */
  method: "client_secret_basic" | "client_secret_post" | "none";
}

/** What /oidc/logout was asked; `hint` is id_token_hint's claims once its signature checked out (undefined if it did not). */
export interface LogoutRequest {
  id_token_hint?: string;
  hint?: { aud?: string | string[]; sid?: unknown };
  client_id?: string;
  post_logout_redirect_uri?: string;
}

export type LogoutOutcome =
  | { kind: "error-page"; error: string; description: string }
  /** End the session, then go to redirect_uri (with the state), or show a plain page when there is none. */
  | { kind: "ok"; redirect_uri?: string };

export class OidcModel {
  private readonly transactions = new Map<string, AuthorizeTransaction>();
  private readonly sessions = new Map<string, Session>();
  private readonly codes = new Map<string, CodeGrant>();
  private readonly accessTokens = new Map<string, AccessGrant>();
  private readonly refreshTokens = new Map<string, StoredRefreshToken>();

  constructor(
    readonly clients: ClientRegistry,
    /** `userinfoAudience`: https://<domain>/userinfo, the one audience without an API of its own. */
    private readonly options: { now?: () => number; userinfoAudience: () => string },
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Checks an /authorize request in Auth0's order: the client and its callback first (else an error page), then the rest (else a redirect). */
  authorize(query: Record<string, string | undefined>): AuthorizeOutcome {
    const clientId = query.client_id;
    if (!clientId) return { kind: "error-page", error: "invalid_request", description: "Missing required parameter: client_id" };
    const client = this.clients.get(clientId);
    if (!client) return { kind: "error-page", error: "invalid_request", description: `Unknown client: ${clientId}` };
    const redirectUri = query.redirect_uri;
    if (!redirectUri) return { kind: "error-page", error: "invalid_request", description: "Missing required parameter: redirect_uri" };
    if (!client.callbacks.includes(redirectUri)) {
      return {
        kind: "error-page",
        error: "unauthorized_client",
        description: `Callback URL mismatch. ${redirectUri} is not in the list of allowed callback URLs`,
      };
    }

    const responseType = (query.response_type ?? "").trim().split(/\s+/).filter(Boolean).sort(byResponseTypeOrder).join(" ");
    // OAuth 2.0 Multiple Response Types: "code" answers in the query by default, anything with a token in the fragment.
    const defaultMode: ResponseMode = responseType === "code" || responseType === "" ? "query" : "fragment";
    const mode = query.response_mode ?? defaultMode;
    const validMode = (RESPONSE_MODES as readonly string[]).includes(mode);
    const target: RedirectTarget = {
      redirect_uri: redirectUri,
      // An invalid response_mode is reported the default way for the response type.
      response_mode: validMode ? (mode as ResponseMode) : defaultMode,
      ...(query.state !== undefined ? { state: query.state } : {}),
    };
    const fail = (error: string, description: string): AuthorizeOutcome => ({ kind: "redirect-error", target, error, description });

    if (!responseType) return fail("invalid_request", "Missing required parameter: response_type");
    if (!KNOWN_RESPONSE_TYPES.includes(responseType))
      return fail("unsupported_response_type", `Unsupported response type: ${query.response_type}`);
    if (responseType !== "code") {
      return fail(
        "unsupported_response_type",
        `Unsupported response type: ${query.response_type} (the local tenant implements the authorization code flow only)`,
      );
    }
    if (!validMode) return fail("invalid_request", `Unsupported response mode: ${mode}`);

    const method = query.code_challenge_method;
    if (query.code_challenge === undefined && method !== undefined)
      return fail("invalid_request", "Missing required parameter: code_challenge");
    if (method !== undefined && method !== "S256" && method !== "plain") {
      return fail("invalid_request", `Unsupported code_challenge_method: ${method}; allowed: S256, plain`);
    }
    if (query.code_challenge !== undefined && !/^[A-Za-z0-9._~-]{43,128}$/.test(query.code_challenge)) {
      return fail("invalid_request", "code_challenge must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_', '~'");
    }
    if (query.audience !== undefined && query.audience !== this.options.userinfoAudience()) {
      return fail("access_denied", `Service not found: ${query.audience}`);
    }
    if (query.max_age !== undefined && !/^\d{1,10}$/.test(query.max_age)) {
      return fail("invalid_request", `max_age must be a whole number of seconds (0 or more), got: ${query.max_age}`);
    }

    const prompt = (query.prompt ?? "").split(/\s+/).filter(Boolean);
    const transaction: AuthorizeTransaction = {
      ...target,
      id: token(24),
      client,
      scope: (query.scope ?? "openid").split(/\s+/).filter(Boolean),
      ...(query.nonce !== undefined ? { nonce: query.nonce } : {}),
      ...(query.code_challenge !== undefined ? { code_challenge: query.code_challenge, code_challenge_method: method ?? "plain" } : {}),
      prompt,
      ...(query.max_age !== undefined ? { max_age: Number(query.max_age) } : {}),
      ...(query.login_hint !== undefined ? { login_hint: query.login_hint } : {}),
      query: Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === "string")),
      expires_at: this.now() + TRANSACTION_TTL_MS,
    };
    this.put(this.transactions, transaction.id, transaction);
    return { kind: "ok", transaction };
  }

  /** The transaction the login page shows, while it lives. */
  transaction(id: string | undefined): AuthorizeTransaction | undefined {
    return id ? this.live(this.transactions, id) : undefined;
  }

  /** Ends a transaction: it answers once, with a code or an error. */
  finish(id: string): void {
    this.transactions.delete(id);
  }

  session(id: string | undefined): Session | undefined {
    return id ? this.live(this.sessions, id) : undefined;
  }

  startSession(login: string, userId: string): Session {
    const now = this.now();
    const session: Session = {
      id: token(24),
      login,
      user_id: userId,
      created_at: now,
      authenticated_at: now,
      expires_at: now + SESSION_TTL_MS,
    };
    this.put(this.sessions, session.id, session);
    return session;
  }

  /**
   * Whether the transaction must show the login page although a session lives: prompt=login, or a
   * login older than max_age (OIDC Core 3.1.2.1; max_age=0 always asks, as prompt=login does).
   */
  requiresLogin(tx: AuthorizeTransaction, session: Session): boolean {
    if (tx.prompt.includes("login")) return true;
    if (tx.max_age === undefined) return false;
    return tx.max_age === 0 || this.now() - session.authenticated_at > tx.max_age * 1000;
  }

  endSession(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  /**
   * Auth0's /oidc/logout rules: the application is client_id or the id_token_hint's audience (both
   * must agree); post_logout_redirect_uri must be one of its Allowed Logout URLs; without one, the
   * first of them, as Auth0 does. There are no tenant-level logout URLs here, so a return address
   * needs an application.
   */
  logout(request: LogoutRequest): LogoutOutcome {
    const fail = (description: string): LogoutOutcome => ({ kind: "error-page", error: "invalid_request", description });
    if (request.id_token_hint !== undefined && !request.hint) return fail("id_token_hint is not a valid ID token issued by this tenant");
    const aud = request.hint?.aud;
    const hintClient = Array.isArray(aud) ? aud[0] : aud;
    if (request.client_id !== undefined && hintClient !== undefined && request.client_id !== hintClient) {
      return fail(`client_id ${request.client_id} does not match the audience of id_token_hint`);
    }
    const clientId = request.client_id ?? hintClient;
    const client = clientId !== undefined ? this.clients.get(clientId) : undefined;
    if (clientId !== undefined && !client) return fail(`Unknown client: ${clientId}`);
    const uri = request.post_logout_redirect_uri;
    if (uri === undefined)
      return client?.allowed_logout_urls[0] ? { kind: "ok", redirect_uri: client.allowed_logout_urls[0] } : { kind: "ok" };
    if (!client) return fail("post_logout_redirect_uri needs client_id or id_token_hint to name the application");
    if (!client.allowed_logout_urls.includes(uri)) {
      return fail(`post_logout_redirect_uri ${uri} is not in the list of Allowed Logout URLs of ${client.client_id}`);
    }
    return { kind: "ok", redirect_uri: uri };
  }

  /** A code for a completed login: single use, AUTHORIZATION_CODE_TTL_MS to live. */
  issueCode(transaction: AuthorizeTransaction, session: Session, auth: Authentication): string {
    const code = token(24);
    this.put(this.codes, code, {
      client_id: transaction.client.client_id,
      redirect_uri: transaction.redirect_uri,
      scope: transaction.scope,
      ...(transaction.nonce !== undefined ? { nonce: transaction.nonce } : {}),
      ...(transaction.code_challenge !== undefined
        ? { code_challenge: transaction.code_challenge, code_challenge_method: transaction.code_challenge_method }
        : {}),
      session_id: session.id,
      auth,
      auth_time: Math.floor(session.authenticated_at / 1000),
      // OIDC Core 2: REQUIRED with max_age; also after prompt=login, so the app can see the login is fresh.
      auth_time_required: transaction.max_age !== undefined || transaction.prompt.includes("login"),
      expires_at: this.now() + AUTHORIZATION_CODE_TTL_MS,
    });
    return code;
  }

  /**
   * The authorization_code grant: authenticates the client (its secret, or PKCE for a public
   * client), then redeems the code. A code is gone after its first redemption attempt, even a
   * failed one, so a stolen code cannot be tried twice.
   */
  redeemCode(presented: PresentedClient, params: { code?: string; redirect_uri?: string; code_verifier?: string }): RedeemedCode {
    const client = this.authenticateClient(presented, params.code_verifier !== undefined);
    if (!params.code) throw new OAuthError(400, "invalid_request", "Missing required parameter: code");
    const grant = this.codes.get(params.code);
    this.codes.delete(params.code);
    if (!grant || grant.expires_at <= this.now() || grant.client_id !== client.client_id) {
      throw new OAuthError(403, "invalid_grant", "Invalid authorization code");
    }
    if (params.redirect_uri !== grant.redirect_uri) throw new OAuthError(403, "invalid_grant", "Invalid redirect_uri");
    if (grant.code_challenge !== undefined) {
      if (params.code_verifier === undefined) throw new OAuthError(403, "invalid_grant", "Parameter 'code_verifier' is required");
      if (!pkceMatches(params.code_verifier, grant.code_challenge, grant.code_challenge_method ?? "plain")) {
        throw new OAuthError(403, "invalid_grant", "Failed to verify code verifier");
      }
    } else if (params.code_verifier !== undefined) {
      // RFC 9700 2.1.1: a verifier for a code issued without a challenge is a PKCE downgrade attempt.
      throw new OAuthError(
        403,
        "invalid_grant",
        "Parameter 'code_verifier' is not allowed: the authorization request had no code_challenge",
      );
    } else if (client.token_endpoint_auth_method === "none") {
      // A public client has no secret: without a PKCE challenge nothing proves the caller asked for the code.
      throw new OAuthError(401, "access_denied", "Unauthorized");
    }
    return {
      client_id: grant.client_id,
      scope: grant.scope,
      ...(grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
      session_id: grant.session_id,
      auth: grant.auth,
      ...(grant.auth_time_required ? { auth_time: grant.auth_time } : {}),
    };
  }

  /** A new refresh token family for a login that asked for offline_access. */
  issueRefreshToken(redeemed: RedeemedCode): string {
    const now = this.now();
    return this.storeRefreshToken({
      client_id: redeemed.client_id,
      scope: redeemed.scope,
      user_id: redeemed.auth.user_id,
      session_id: redeemed.session_id,
      ...(redeemed.auth_time !== undefined ? { auth_time: redeemed.auth_time } : {}),
      family: token(16),
      rotated: false,
      family_expires_at: now + REFRESH_TOKEN_ABSOLUTE_TTL_MS,
      // The idle limit is the shorter one at first; rotation keeps both (see rotateRefreshToken).
      expires_at: now + REFRESH_TOKEN_IDLE_TTL_MS,
    });
  }

  /**
   * The refresh_token grant with rotation, in two steps so that a refusal in between (the post-login
   * Actions deny) leaves the presented token usable: `checkRefreshToken` authenticates the client
   * and checks the token; `rotate()` then spends it and returns its successor of the same family.
   * A token already rotated is a replay (a stolen copy, or the app's own stale one): as Auth0's
   * automatic reuse detection does, the whole family is revoked, successors too. `scope` may
   * narrow this exchange's tokens, never widen them.
   */
  checkRefreshToken(
    presented: PresentedClient,
    params: { refresh_token?: string; scope?: string },
  ): RefreshGrant & { rotate: () => string } {
    const client = this.authenticateClient(presented, false);
    const presentedToken = params.refresh_token;
    if (!presentedToken) throw new OAuthError(400, "invalid_request", "Missing required parameter: refresh_token");
    const stored = this.usableRefreshToken(presentedToken, client.client_id);
    let scope = stored.scope;
    if (params.scope !== undefined) {
      const asked = params.scope.split(/\s+/).filter(Boolean);
      const extra = asked.filter((s) => !stored.scope.includes(s));
      if (extra.length > 0) throw new OAuthError(403, "invalid_scope", `Scope not granted by the refresh token: ${extra.join(" ")}`);
      scope = asked;
    }
    const rotate = (): string => {
      // Checked again: another request may have rotated (or a replay revoked) it meanwhile.
      const current = this.usableRefreshToken(presentedToken, client.client_id);
      current.rotated = true;
      return this.storeRefreshToken({
        ...current,
        rotated: false,
        expires_at: Math.min(this.now() + REFRESH_TOKEN_IDLE_TTL_MS, current.family_expires_at),
      });
    };
    return {
      client_id: stored.client_id,
      scope,
      user_id: stored.user_id,
      session_id: stored.session_id,
      ...(stored.auth_time !== undefined ? { auth_time: stored.auth_time } : {}),
      rotate,
    };
  }

  /** The stored token if it may be exchanged now; a rotated one revokes its family. Throws Auth0's invalid_grant otherwise. */
  private usableRefreshToken(refreshToken: string, clientId: string): StoredRefreshToken {
    const stored = this.live(this.refreshTokens, refreshToken);
    if (!stored || stored.client_id !== clientId || stored.family_expires_at <= this.now()) {
      throw new OAuthError(403, "invalid_grant", INVALID_REFRESH_TOKEN);
    }
    if (stored.rotated) {
      this.revokeRefreshFamily(stored.family);
      throw new OAuthError(403, "invalid_grant", INVALID_REFRESH_TOKEN);
    }
    return stored;
  }

  private storeRefreshToken(entry: StoredRefreshToken): string {
    const refreshToken = token(32);
    this.put(this.refreshTokens, refreshToken, entry);
    return refreshToken;
  }

  private revokeRefreshFamily(family: string): void {
    for (const [key, entry] of this.refreshTokens) if (entry.family === family) this.refreshTokens.delete(key);
  }

  /** An opaque access token for /userinfo (Auth0 issues an opaque token when no API audience is asked). */
  issueAccessToken(redeemed: Pick<RedeemedCode, "client_id" | "scope">, userinfo: Record<string, unknown>): string {
    const accessToken = token(32);
    this.put(this.accessTokens, accessToken, {
      client_id: redeemed.client_id,
      scope: redeemed.scope,
      userinfo,
      expires_at: this.now() + ACCESS_TOKEN_TTL_SECONDS * 1000,
    });
    return accessToken;
  }

  /** What /userinfo answers for the token, or undefined when the token is unknown or expired. */
  userinfo(accessToken: string): Record<string, unknown> | undefined {
    return this.live(this.accessTokens, accessToken)?.userinfo;
  }

  private authenticateClient(presented: PresentedClient, hasVerifier: boolean): OidcClient {
    const client = presented.client_id ? this.clients.get(presented.client_id) : undefined;
    if (!client) throw new OAuthError(401, "access_denied", "Unauthorized");
    if (client.token_endpoint_auth_method === "none") {
      if (presented.method !== "none" && !hasVerifier) throw new OAuthError(401, "access_denied", "Unauthorized");
      return client;
    }
    if (presented.client_secret === undefined || !client.client_secret || !secretMatches(presented.client_secret, client.client_secret)) {
      throw new OAuthError(401, "access_denied", "Unauthorized");
    }
    return client;
  }

  private live<T extends { expires_at: number }>(table: Map<string, T>, key: string): T | undefined {
    const entry = table.get(key);
    if (entry && entry.expires_at <= this.now()) {
      table.delete(key);
      return undefined;
    }
    return entry;
  }

  private put<T extends { expires_at: number }>(table: Map<string, T>, key: string, value: T): void {
    if (table.size >= MAX_ENTRIES) {
      const now = this.now();
      for (const [k, v] of table) if (v.expires_at <= now) table.delete(k);
      // Still full of live entries: the oldest go first (a Map iterates in insertion order).
      for (const k of table.keys()) {
        if (table.size < MAX_ENTRIES) break;
        table.delete(k);
      }
    }
    table.set(key, value);
  }
}

/** RFC 7636: S256 compares BASE64URL(SHA256(verifier)) with the challenge; plain compares them as they are. */
export function pkceMatches(verifier: string, challenge: string, method: "S256" | "plain"): boolean {
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  const derived = method === "S256" ? createHash("sha256").update(verifier, "ascii").digest("base64url") : verifier;
  return secretMatches(derived, challenge);
}

/** The profile claims the scopes release, from a user's profile. */
export function scopedProfile(profile: Record<string, unknown>, scope: readonly string[]): Record<string, unknown> {
  const names = new Set(scope.flatMap((s) => SCOPE_CLAIMS[s] ?? []));
  return Object.fromEntries(Object.entries(profile).filter(([name]) => names.has(name)));
}

function token(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}

function byResponseTypeOrder(a: string, b: string): number {
  const order = ["code", "token", "id_token"];
  return order.indexOf(a) - order.indexOf(b);
}
