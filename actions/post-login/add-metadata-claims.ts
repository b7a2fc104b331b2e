/**
 * Post-login Action "Add metadata to user profile": the replacement for the Rule of the
 * same name (see README "Where this came from"). It copies chosen `app_metadata` fields into
 * custom claims named `${namespace}/${field}`, exactly as the Rule named them.
 *
 * Every tenant deploys this same code; what differs per tenant arrives as one Action secret,
 * CLAIMS_CONFIG, written by src/constructs/post-login-claims-action.ts from the tenant file:
 *   {"namespace": "" | "https://claims.example.com", "id_token": ["usertype", ...], "access_token": [...]}
 * (one JSON secret rather than several because Auth0 secrets cannot be empty, and "" is a valid namespace).
 *
 * It never throws on user data: a login must not fail because one profile is odd.
 */
import type { Event, PostLoginAPI } from "../types/post-login-v3";
import { claimBytes, claimName, droppedClaimReason, MAX_CUSTOM_CLAIMS_BYTES } from "../lib/claim-rules";

/** The name of the Action secret holding the claims configuration. */
export const CLAIMS_CONFIG_SECRET = "CLAIMS_CONFIG";

export interface ClaimsSettings {
  namespace: string;
  id_token: string[];
  access_token: string[];
}

export const onExecutePostLogin = async (event: Event, api: PostLoginAPI): Promise<void> => {
  const settings = readSettings(event?.secrets);
  if (!settings) {
    // Without its settings the Action cannot know the claim names; guessing would emit wrong ones.
    console.error(`add-metadata-claims: secret ${CLAIMS_CONFIG_SECRET} is missing or invalid; no claims set`);
    return;
  }
  const metadata = event?.user?.app_metadata;
  if (!isPlainObject(metadata)) return;

  copyClaims(metadata, settings.namespace, settings.id_token, api.idToken);
  copyClaims(metadata, settings.namespace, settings.access_token, api.accessToken);
};

function readSettings(secrets: unknown): ClaimsSettings | undefined {
  if (!isPlainObject(secrets) || typeof secrets[CLAIMS_CONFIG_SECRET] !== "string") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(secrets[CLAIMS_CONFIG_SECRET]);
  } catch {
    return undefined;
  }
  if (!isPlainObject(parsed) || typeof parsed.namespace !== "string") return undefined;
  return { namespace: parsed.namespace, id_token: stringList(parsed.id_token), access_token: stringList(parsed.access_token) };
}

function copyClaims(
  metadata: Record<string, unknown>,
  namespace: string,
  fields: string[],
  token: { setCustomClaim(name: string, value: unknown): unknown },
): void {
  let budget = MAX_CUSTOM_CLAIMS_BYTES;
  for (const field of fields) {
    if (!Object.prototype.hasOwnProperty.call(metadata, field)) continue;
    const value = metadata[field];
    if (isEmpty(value)) continue;
    const name = claimName(namespace, field);
    const dropped = droppedClaimReason(name);
    if (dropped) {
      console.warn(`add-metadata-claims: skipped ${dropped}`);
      continue;
    }
    const bytes = claimBytes(name, value);
    if (bytes === undefined || bytes > budget) {
      // Over 100 KB of custom claims fails the whole login; one oversized profile must not lock its user out.
      console.warn(`add-metadata-claims: skipped "${name}": value is not JSON or exceeds the token's claim budget`);
      continue;
    }
    budget -= bytes;
    token.setCustomClaim(name, value);
  }
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((f): f is string => typeof f === "string" && f.length > 0) : [];
}

/** Absent, null, "" and empty arrays/objects set no claim; 0 and false are real values and pass through. */
function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
