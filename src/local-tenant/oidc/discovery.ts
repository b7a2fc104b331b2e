/** GET /.well-known/openid-configuration: Auth0's discovery document (the JWKS is served by routes/login.ts). */
import type { FastifyInstance } from "fastify";
import type { OidcContext } from "./http";

export function registerDiscovery(app: FastifyInstance, { tokens }: OidcContext): void {
  app.get("/.well-known/openid-configuration", () => Promise.resolve(discovery(tokens.issuer)));
}

/** Auth0's discovery document, limited to what this tenant implements (docs/local-tenant.md lists the rest). */
export function discovery(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}authorize`,
    token_endpoint: `${issuer}oauth/token`,
    userinfo_endpoint: `${issuer}userinfo`,
    jwks_uri: `${issuer}.well-known/jwks.json`,
    end_session_endpoint: `${issuer}oidc/logout`,
    scopes_supported: [
      "openid",
      "profile",
      "offline_access",
      "name",
      "given_name",
      "family_name",
      "nickname",
      "email",
      "email_verified",
      "picture",
      "created_at",
      "identities",
      "phone",
      "address",
    ],
    response_types_supported: ["code"],
    // Without it OIDC Discovery means ["authorization_code", "implicit"], and implicit is not implemented.
    grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
    code_challenge_methods_supported: ["S256", "plain"],
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    claims_supported: [
      "aud",
      "auth_time",
      "created_at",
      "email",
      "email_verified",
      "exp",
      "family_name",
      "given_name",
      "iat",
      "identities",
      "iss",
      "name",
      "nickname",
      "phone_number",
      "picture",
      "sub",
    ],
    request_uri_parameter_supported: false,
    request_parameter_supported: false,
  };
}
