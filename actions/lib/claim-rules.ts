/**
 * Auth0's rules for custom claims, in one place. Three readers use them:
 * the tenant-file validator (reject a claim before synth), the handler (never set a claim
 * Auth0 would drop, even if misconfigured), and the local tenant (drop what Auth0 drops).
 * Source: Auth0 "Create custom claims" documentation.
 */

/** Claim names Auth0 silently ignores when an Action sets them (a word list: kept compact, unformatted). */
// prettier-ignore
export const RESTRICTED_CLAIM_NAMES: ReadonlySet<string> = new Set([
  "acr", "act", "active", "amr", "at_hash", "ath", "attest", "aud", "auth_time",
  "authorization_details", "azp", "c_hash", "client_id", "cnf", "cty", "dest", "entitlements",
  "events", "exp", "groups", "gty", "htm", "htu", "iat", "internalService", "iss", "jcard",
  "jku", "jti", "jwe", "jwk", "kid", "may_act", "mky", "nbf", "nonce", "object_id", "org_id",
  "org_name", "orig", "origid", "permissions", "roles", "rph", "s_hash", "sid", "sub",
  "sub_jwk", "toe", "txn", "typ", "uuid", "vot", "vtm", "x5t#S256",
]);

/** Auth0's own domains: a claim namespaced under them is silently ignored. */
export const RESERVED_NAMESPACE_DOMAINS: readonly string[] = ["auth0.com", "webtask.io", "webtask.run"];

/** Custom claims (names and values) above this many bytes in one token fail the login. */
export const MAX_CUSTOM_CLAIMS_BYTES = 100 * 1024;

const reservedDomainPattern = new RegExp(
  `(^|[/.@:])(${RESERVED_NAMESPACE_DOMAINS.map((d) => d.replace(/\./g, "\\.")).join("|")})(?=$|[/:?#])`,
  "i",
);

export function isRestrictedClaimName(name: string): boolean {
  return RESTRICTED_CLAIM_NAMES.has(name) || name.startsWith("sip_");
}

/** True when the name sits under auth0.com, webtask.io or webtask.run (or a subdomain of them). */
export function usesReservedNamespace(name: string): boolean {
  return reservedDomainPattern.test(name);
}

/**
 * The same test on a namespace URL's host after DNS's own normalisation: case, IDNA (full-width and
 * other compatibility forms map to ASCII, as WHATWG URL parsing does) and trailing dots, so that
 * `https://AUTH0.com./x` and `https://ａｕｔｈ０.com/x` are caught like `https://auth0.com/x`.
 * For configuration checks; a URL that does not parse is not judged here.
 */
export function namespaceHostIsReserved(namespace: string): boolean {
  let host: string;
  try {
    host = new URL(namespace).hostname;
  } catch {
    return false;
  }
  return usesReservedNamespace(`https://${host.replace(/\.+$/, "")}/`);
}

/** Why Auth0 would silently drop a claim of this name, or undefined when it keeps it. */
export function droppedClaimReason(name: string): string | undefined {
  if (isRestrictedClaimName(name)) return `"${name}" is a claim name Auth0 reserves`;
  if (usesReservedNamespace(name)) {
    return `"${name}" is under ${RESERVED_NAMESPACE_DOMAINS.join(", ")}, which Auth0 ignores`;
  }
  return undefined;
}

/** The claim name the seed's Rule produced: `${namespace}/${key}` (namespace may be empty). */
export function claimName(namespace: string, key: string): string {
  return `${namespace}/${key}`;
}

/** Bytes one claim adds to a token's custom-claim budget; undefined when the value is not JSON. */
export function claimBytes(name: string, value: unknown): number | undefined {
  try {
    const json = JSON.stringify(value);
    if (json === undefined) return undefined;
    return byteLength(JSON.stringify(name)) + byteLength(json);
  } catch {
    return undefined;
  }
}

// TextEncoder exists in Node and in the Actions runtime; Buffer would pull a polyfill into a bundle.
function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}
