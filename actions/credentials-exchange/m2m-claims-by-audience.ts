/**
 * credentials-exchange Action converted from the credentials-exchange Hook hooks/m2m-claims-by-audience.js by `npm run migrate-hook`.
 * Check that it behaves like the Hook: npm run parity-hook -- hooks/m2m-claims-by-audience.js actions/credentials-exchange/m2m-claims-by-audience.ts --trigger credentials-exchange
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
 * Adds claims to machine-to-machine access tokens by audience (the credentials-exchange
 * template: keep the granted scopes, add namespaced claims).
 */
export const onExecuteCredentialsExchange = async (event: Event, api: CredentialsExchangeAPI): Promise<void> => {
  const scope = event.accessToken.scope.length > 0 ? [...event.accessToken.scope] : undefined;
  var access_token = {};
  (access_token as any).scope = scope;
  if (event.resource_server.identifier === "https://api.example.com/billing") {
    (access_token as any)["https://example.com/tier"] = event.client.metadata.tier || "standard";
    (access_token as any)["https://example.com/client"] = event.client.name;
  }
  if (event.client.metadata.blocked === "true") {
    api.access.deny("invalid_request", "This application is blocked.");
    return;
  }
  setHookClaims(api, access_token);
};
