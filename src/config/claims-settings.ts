/**
 * What a tenant file's `claims` section becomes in Auth0: the claims Action's default display name
 * and its one setting, the CLAIMS_CONFIG secret. The construct deploys them and the cross-file
 * checks compare against them, so they live below both.
 */
import type { ClaimsSettings } from "../../actions/post-login/add-metadata-claims";
import type { ClaimsConfig } from "./tenant-schema";

/** The Rule's name, so the dashboard reads the same after the migration. */
export const DEFAULT_CLAIMS_ACTION_NAME = "Add metadata to user profile";

/** The CLAIMS_CONFIG secret the handler reads: compact JSON with a fixed key order. */
export function claimsSecretValue(claims: ClaimsConfig): string {
  const settings: ClaimsSettings = { namespace: claims.namespace, id_token: claims.id_token, access_token: claims.access_token };
  return JSON.stringify(settings);
}
