/**
 * Auth0's documented facts that this repository enforces, one owner each: the limits on Actions,
 * the reserved claim names and namespaces, and the name rules. The tenant-file checks, the
 * constructs, the bundler, the converters and the local tenant all import them from here, so
 * no two of them can disagree.
 *
 * The claim rules live in actions/lib/claim-rules.ts because the deployed handler bundles them
 * (Action code cannot import src/); the secret-name rule lives in src/names.ts with the
 * repository's other name rules. Both are re-exported here.
 */

/** Auth0's documented limits for Actions (auth0.com/docs, "Actions limitations"). */
export const AUTH0_LIMITS = {
  actionsPerTenant: 100,
  /** Actions bound to one trigger's flow. */
  actionsPerTrigger: 20,
  secretsPerAction: 30,
  secretNameLength: 128,
  secretValueLength: 4096,
  dependenciesPerAction: 10,
  /**
   * An Action's code, ~100 kB. The bundler and the constructs count UTF-8 bytes (the stricter
   * reading); Auth0's validator, and so the local tenant, counts characters.
   */
  actionCodeSize: 100 * 1024,
  /** Versions kept per Action; the oldest go first. */
  versionsPerAction: 50,
} as const;

export {
  MAX_CUSTOM_CLAIMS_BYTES,
  RESERVED_NAMESPACE_DOMAINS,
  RESTRICTED_CLAIM_NAMES,
  isRestrictedClaimName,
  namespaceHostIsReserved,
  usesReservedNamespace,
} from "../actions/lib/claim-rules";

export { SECRET_NAME } from "./names";
