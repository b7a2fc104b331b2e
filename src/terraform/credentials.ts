/**
 * What a plan needs from the environment, checked before Terraform runs so the message can say
 * exactly what to set. Secret values are scrubbed out of relayed text by ./redaction.
 */
import type { Tenant } from "../config/load-tenants";
import { flowList } from "../config/tenant-schema";

/** Why the auth0 provider cannot authenticate with `env`, or undefined when it can. */
export function missingCredentials(env: NodeJS.ProcessEnv): string | undefined {
  const has = (name: string) => (env[name] ?? "").trim() !== "";
  if (has("AUTH0_API_TOKEN")) return undefined;
  if (has("AUTH0_CLIENT_ID") && (has("AUTH0_CLIENT_SECRET") || has("AUTH0_CLIENT_ASSERTION_PRIVATE_KEY"))) return undefined;
  if (env.AUTH0_CLI_LOGIN === "true") return undefined;
  return (
    "no Auth0 credentials in the environment: set AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET " +
    "(a machine-to-machine application authorized for the Management API) or AUTH0_API_TOKEN. " +
    "Planning against empty state makes no API call, but the auth0 provider still requires them to be set"
  );
}

/** Environment variables (TF_VAR_<ENV>) a tenant's Action secrets need and `env` lacks, with their secret names. */
export function missingSecretVariables(tenant: Tenant, env: NodeJS.ProcessEnv): string[] {
  const missing = new Set<string>();
  for (const action of flowList(tenant.flows).flatMap((f) => f.actions)) {
    // An Action being imported keeps the values the tenant holds: nothing is sent (docs/adopt.md).
    if (action.import_id !== undefined) continue;
    for (const secret of Object.values(action.secrets)) {
      if ((env[`TF_VAR_${secret.env}`] ?? "") === "") missing.add(`TF_VAR_${secret.env}`);
    }
  }
  return [...missing].sort();
}
