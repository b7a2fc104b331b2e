/**
 * What a plan needs from the environment, checked before Terraform runs so the message can say
 * exactly what to set, and the one place that scrubs secret values out of any text we relay.
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

const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PRIVATE_KEY|CREDENTIAL|API_KEY)/i;
/** Values shorter than this are not redacted: they would mangle ordinary words ("x", "true"). */
const MIN_SECRET_LENGTH = 6;

/** Values in `env` that must never be shown: credentials and every TF_VAR_ (Action secret values). */
export function secretValues(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(
      ([name, value]) => value !== undefined && value.length >= MIN_SECRET_LENGTH && (name.startsWith("TF_VAR_") || SECRET_NAME.test(name)),
    )
    .map(([, value]) => value as string)
    .sort((a, b) => b.length - a.length);
}

/** `text` with every secret value from `env` replaced by "(redacted)". Defence in depth for relayed tool output. */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv): string {
  let out = text;
  for (const value of secretValues(env)) out = out.split(value).join("(redacted)");
  return out;
}
