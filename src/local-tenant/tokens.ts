/**
 * The local tenant's keys and credentials: one RS256 signing key (published as the JWKS, like a
 * tenant's), the Management API client (client id and secret for the client-credentials grant),
 * and the tokens signed with that key. Management tokens are JWTs, as Auth0's are, so a token the
 * provider cached stays valid when the tenant restarts in the middle of an apply.
 *
 * Everything lives in the state directory (mode 0600), created on first run: these are credentials
 * of a tenant that exists only on this machine, never of a real one.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { join } from "node:path";
import {
  calculateJwkThumbprint,
  compactVerify,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type JWK,
  type JWTPayload,
  type KeyLike,
} from "jose";
import { readJsonFile, writeJsonAtomic } from "./store";

export const MANAGEMENT_TOKEN_TTL_SECONDS = 86_400;
export const MANAGEMENT_SCOPE = "read:actions create:actions update:actions delete:actions";
/**
 * The one API (resource server) of the local tenant besides the Management API: a client-credentials
 * token for it is what machine-to-machine callers of your own APIs get (credentials-exchange runs for both).
 */
export const LOCAL_API = { identifier: "https://api.local.example/", scope: "read:coops" } as const;
export const ID_TOKEN_TTL_SECONDS = 36_000;
/** The client id of the Management API client; the secret is random per state directory. */
export const DEPLOY_CLIENT_ID = "local-tenant-deployer";

export interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  publicKey: KeyLike;
  /** Public JWK with kid, alg and use: one entry of the JWKS. */
  publicJwk: JWK;
}

export interface ClientCredentials {
  client_id: string;
  client_secret: string;
}

export async function ensureSigningKey(stateDir: string): Promise<SigningKey> {
  const file = join(stateDir, "signing-key.json");
  let privateJwk = readJsonFile<JWK>(file);
  if (!privateJwk) {
    const { privateKey } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
    privateJwk = await exportJWK(privateKey);
    writeJsonAtomic(file, privateJwk);
  }
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = privateJwk;
  const kid = await calculateJwkThumbprint(publicPart);
  const publicJwk: JWK = { ...publicPart, kid, alg: "RS256", use: "sig" };
  return {
    kid,
    privateKey: (await importJWK(privateJwk, "RS256")) as KeyLike,
    publicKey: (await importJWK(publicJwk, "RS256")) as KeyLike,
    publicJwk,
  };
}

export function ensureClientCredentials(stateDir: string): ClientCredentials {
  const file = join(stateDir, "credentials.json");
  const existing = readJsonFile<ClientCredentials>(file);
  if (existing?.client_id && existing.client_secret) return existing;
  const created = { client_id: DEPLOY_CLIENT_ID, client_secret: randomBytes(32).toString("base64url") };
  writeJsonAtomic(file, created);
  return created;
}

/** Constant-time comparison of a presented client secret. */
export function secretMatches(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class TokenIssuer {
  constructor(
    readonly key: SigningKey,
    /** host[:port], e.g. "localhost:8443"; set once the server knows its port. */
    public domain: string,
  ) {}

  get issuer(): string {
    return `https://${this.domain}/`;
  }

  get managementAudience(): string {
    return `https://${this.domain}/api/v2/`;
  }

  async managementToken(
    clientId: string,
    ttlSeconds = MANAGEMENT_TOKEN_TTL_SECONDS,
    customClaims: Record<string, unknown> = {},
  ): Promise<string> {
    return this.clientCredentialsToken({ clientId, audience: this.managementAudience, scope: MANAGEMENT_SCOPE, customClaims, ttlSeconds });
  }

  /** An access token of the client-credentials grant for `audience`, with the custom claims Actions set (already filtered). */
  async clientCredentialsToken(request: {
    clientId: string;
    audience: string;
    scope: string;
    customClaims?: Record<string, unknown>;
    ttlSeconds?: number;
  }): Promise<string> {
    // Custom claims first: the registered claims below always win over a same-named custom one.
    return (
      new SignJWT({ ...request.customClaims, gty: "client-credentials", azp: request.clientId, scope: request.scope })
        // "at+jwt" (RFC 9068) marks an access token: an ID token, signed by the same key, is not one.
        .setProtectedHeader({ alg: "RS256", typ: "at+jwt", kid: this.key.kid })
        .setIssuer(this.issuer)
        .setSubject(`${request.clientId}@clients`)
        .setAudience(request.audience)
        .setIssuedAt()
        .setExpirationTime(`${request.ttlSeconds ?? MANAGEMENT_TOKEN_TTL_SECONDS}s`)
        .sign(this.key.privateKey)
    );
  }

  /** Resolves when the bearer token is a valid Management API token of this tenant; rejects otherwise. */
  async verifyManagementToken(token: string): Promise<void> {
    const { payload } = await jwtVerify(token, this.key.publicKey, {
      issuer: this.issuer,
      audience: this.managementAudience,
      algorithms: ["RS256"],
      typ: "at+jwt",
    });
    // A login lets its caller choose the audience; only the client-credentials grant makes these.
    if (payload.gty !== "client-credentials" || !String(payload.sub).endsWith("@clients")) throw new Error("not a Management API token");
  }

  async idToken(claims: Record<string, unknown>, subject: string, audience: string, nonce?: string): Promise<string> {
    return new SignJWT({ ...claims, ...(nonce ? { nonce } : {}) })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: this.key.kid })
      .setIssuer(this.issuer)
      .setSubject(subject)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(`${ID_TOKEN_TTL_SECONDS}s`)
      .sign(this.key.privateKey);
  }

  /**
   * The claims of an ID token this tenant signed, for /oidc/logout's id_token_hint: an expired
   * token is still a valid hint (OIDC RP-Initiated Logout 1.0, 2), a foreign or altered one is not.
   * Undefined when the signature, issuer or type does not match.
   */
  async idTokenHint(token: string): Promise<JWTPayload | undefined> {
    try {
      const { payload, protectedHeader } = await compactVerify(token, this.key.publicKey, { algorithms: ["RS256"] });
      const claims = JSON.parse(new TextDecoder().decode(payload)) as JWTPayload;
      // An access token (at+jwt) is signed by the same key but is no ID token.
      if (protectedHeader.typ !== "JWT" || claims.iss !== this.issuer) return undefined;
      return claims;
    } catch {
      return undefined;
    }
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.key.publicJwk] };
  }
}
