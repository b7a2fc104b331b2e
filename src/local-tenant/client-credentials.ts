/**
 * The client-credentials grant after the client is authenticated, as Auth0 runs it: the
 * credentials-exchange flow runs for the token about to be issued (for the Management API too),
 * then its custom claims are filtered by Auth0's rules and signed into the access token.
 *
 * Auth0's answers, as documented for Actions and Hooks:
 *   - api.access.deny("invalid_request" | "invalid_scope", reason) → 400 {"error": code, "error_description": reason};
 *   - api.access.deny("server_error", reason), or an Action that throws or runs over 20 s → 500 server_error;
 *   - restricted claim names and auth0.com/webtask.io/webtask.run namespaces are dropped silently,
 *     and tokens for Auth0's own API (/api/v2/) drop claims that are not namespaced (http(s) URLs).
 */
import { MAX_CUSTOM_CLAIMS_BYTES } from "../../actions/lib/claim-rules";
import type { DeployedActionRunner } from "./action-runner";
import { OAuthError } from "./errors";
import { applyClaimRules } from "./login";
import type { TenantModel } from "./model";
import { LOCAL_API, MANAGEMENT_SCOPE, MANAGEMENT_TOKEN_TTL_SECONDS, type TokenIssuer } from "./tokens";
import { LOCAL_TRIGGERS, type RequestInfo } from "./trigger-events";
import { runDeployedFlow } from "./trigger-flow";

export interface GrantedToken {
  access_token: string;
  scope: string;
  expires_in: number;
  token_type: "Bearer";
}

export async function clientCredentialsGrant(
  deps: { model: TenantModel; tokens: TokenIssuer; log?: (line: string) => void; runAction?: DeployedActionRunner },
  info: RequestInfo,
  clientId: string,
  audience: string,
): Promise<GrantedToken> {
  const management = audience === deps.tokens.managementAudience;
  const granted = (management ? MANAGEMENT_SCOPE : LOCAL_API.scope).split(" ");
  const client = { client_id: clientId, name: clientId, metadata: {} };
  const flow = await runDeployedFlow(
    deps.model,
    "credentials-exchange",
    { ...LOCAL_TRIGGERS["credentials-exchange"].event(info, client, audience, granted) },
    { runAction: deps.runAction },
  );
  for (const line of flow.logs) deps.log?.(`credentials-exchange: ${line}`);
  if (flow.failure) throw new OAuthError(500, "server_error", flow.failure);
  if (flow.denied) {
    const code = flow.denied.code ?? "invalid_request";
    throw new OAuthError(code === "server_error" ? 500 : 400, code, flow.denied.reason);
  }
  const claims = applyClaimRules(
    management
      ? Object.fromEntries(Object.entries(flow.accessTokenClaims).filter(([name]) => /^https?:\/\//.test(name)))
      : flow.accessTokenClaims,
  );
  if (claims.bytes > MAX_CUSTOM_CLAIMS_BYTES) {
    throw new OAuthError(
      500,
      "server_error",
      `The custom claims of the access token are ${claims.bytes} bytes; Auth0 allows ${MAX_CUSTOM_CLAIMS_BYTES}.`,
    );
  }
  // The target scopes Actions chose are intersected with what the client is granted (Early Access api.transaction).
  const scope = (flow.targetScopes ? granted.filter((s) => flow.targetScopes!.includes(s)) : granted).join(" ");
  return {
    access_token: await deps.tokens.clientCredentialsToken({
      clientId,
      audience,
      scope,
      customClaims: claims.kept,
      ttlSeconds: MANAGEMENT_TOKEN_TTL_SECONDS,
    }),
    scope,
    expires_in: MANAGEMENT_TOKEN_TTL_SECONDS,
    token_type: "Bearer",
  };
}
