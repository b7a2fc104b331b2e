/**
 * credentials-exchange Action converted from the credentials-exchange Hook hooks/m2m-claims-from-client-metadata.js by `npm run migrate-hook`.
 * Check that it behaves like the Hook: npm run parity-hook -- hooks/m2m-claims-from-client-metadata.js actions/credentials-exchange/m2m-claims-from-client-metadata.ts --trigger credentials-exchange
 */
import type { Event, CredentialsExchangeAPI } from "../types/credentials-exchange-v2";

/** What the Hooks runtime did with cb(null, accessToken): each property named by an http(s) URL outside Auth0's own domains became a claim; the rest (scope included) was not a claim. */
function setHookClaims(api: CredentialsExchangeAPI, accessToken: any): void {
  for (const [name, value] of Object.entries(accessToken ?? {})) {
    if (isNamespacedClaim(name)) api.accessToken.setCustomClaim(name, value);
  }
}

function isNamespacedClaim(name: string): boolean {
  let url: URL;
  try {
    url = new URL(name);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  const host = url.hostname.toLowerCase();
  return !["auth0.com", "webtask.io", "webtask.run"].some((domain) => host === domain || host.endsWith(`.${domain}`));
}

/**
 * Copies the application's client metadata into its machine-to-machine tokens, one namespaced
 * claim per key (a common use of the credentials-exchange Hook).
 */
export const onExecuteCredentialsExchange = async (event: Event, api: CredentialsExchangeAPI): Promise<void> => {
  const scope = event.accessToken.scope.length > 0 ? [...event.accessToken.scope] : undefined;
  const namespace = "https://claims.example.com/";
  const access_token = {};
  (access_token as any).scope = scope;
  Object.keys(event.client.metadata || {}).forEach(function (key) {
    (access_token as any)[namespace + key] = event.client.metadata[key];
  });
  (access_token as any)[namespace + "client_name"] = event.client.name;
  (access_token as any)[namespace + "tenant"] = event.tenant.id;
  setHookClaims(api, access_token);
};
