/** Builders for post-login events in tests: a complete v3 event with overridable parts. */
import type { Event } from "../../actions/types/post-login-v3";

export const SEED_APP_METADATA = {
  usertype: "member",
  coops: ["coop-north", "coop-south"],
  coopnames: ["Coop North", "Coop South"],
};

export function claimsConfigSecret(namespace: string, idToken: string[], accessToken: string[] = []): Record<string, string> {
  return { CLAIMS_CONFIG: JSON.stringify({ namespace, id_token: idToken, access_token: accessToken }) };
}

export function postLoginEvent(
  overrides: { app_metadata?: unknown; user_metadata?: unknown; secrets?: Record<string, string> } = {},
): Event {
  return {
    user: {
      user_id: "auth0|5f7c8ec7c33c6c004bbafe82",
      email: "kazuyuki@example.com",
      email_verified: true,
      name: "Kazuyuki",
      created_at: "2023-01-01T00:00:00.000Z",
      updated_at: "2026-11-01T00:00:00.000Z",
      app_metadata: ("app_metadata" in overrides ? overrides.app_metadata : SEED_APP_METADATA) as Record<string, unknown>,
      user_metadata: (overrides.user_metadata ?? {}) as Record<string, unknown>,
      identities: [
        {
          connection: "Username-Password-Authentication",
          isSocial: false,
          provider: "auth0",
          user_id: "5f7c8ec7c33c6c004bbafe82",
          userId: "5f7c8ec7c33c6c004bbafe82",
        },
      ],
    },
    client: { client_id: "app-client-id", name: "Coop Portal", metadata: {} },
    connection: { id: "con_1", name: "Username-Password-Authentication", strategy: "auth0" },
    request: { ip: "203.0.113.7", method: "POST", query: {}, body: {}, geoip: { countryCode: "JP" } },
    tenant: { id: "coop-dev" },
    stats: { logins_count: 3 },
    secrets: overrides.secrets ?? claimsConfigSecret("", ["usertype", "coops", "coopnames"]),
    transaction: { acr_values: [], locale: "en", protocol: "oidc-basic-profile", requested_scopes: ["openid", "profile"], ui_locales: [] },
  };
}
