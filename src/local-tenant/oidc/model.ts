/**
 * The state and rules of the local tenant's OIDC login, without HTTP (moto's `models`): what an
 * /authorize request may ask, login transactions waiting on the login page, sessions (single
 * sign-on), authorization codes (single-use, short-lived, bound to client, redirect_uri and PKCE
 * challenge) and the access tokens /userinfo accepts. routes.ts only translates requests to calls.
 *
 * All of it lives in memory: a restarted tenant forgets codes, sessions and access tokens, as
 * their short lives allow (ID tokens are JWTs and stay verifiable).
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
}

/** The client as the token request presented it. */
export interface PresentedClient {
  client_id?: string;
  client_secret?: string;
  /** How the secret came: HTTP Basic or form fields. */
  method: "client_secret_basic" | "client_secret_post" | "none";
}

export class OidcModel {
  private readonly transactions = new Map<string, AuthorizeTransaction>();
  private readonly sessions = new Map<string, Session>();
  private readonly codes = new Map<string, CodeGrant>();
  private readonly accessTokens = new Map<string, AccessGrant>();

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

    const prompt = (query.prompt ?? "").split(/\s+/).filter(Boolean);
    const transaction: AuthorizeTransaction = {
      ...target,
      id: token(24),
      client,
      scope: (query.scope ?? "openid").split(/\s+/).filter(Boolean),
      ...(query.nonce !== undefined ? { nonce: query.nonce } : {}),
      ...(query.code_challenge !== undefined ? { code_challenge: query.code_challenge, code_challenge_method: method ?? "plain" } : {}),
      prompt,
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

  endSession(id: string | undefined): void {
    if (id) this.sessions.delete(id);
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
    };
  }

  /** An opaque access token for /userinfo (Auth0 issues an opaque token when no API audience is asked). */
  issueAccessToken(redeemed: RedeemedCode, userinfo: Record<string, unknown>): string {
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
