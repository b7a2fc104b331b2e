/** Synthesizes the repository's tenant stacks for tests, once per test file. */
import { App, Testing } from "cdktf";
import { loadTenants, type Tenant } from "../../src/config/load-tenants";
import { TenantStack } from "../../src/stacks/tenant-stack";
import { unescapeTerraformTemplate } from "../../src/terraform/template-escape";

export interface SynthesizedTenant {
  tenant: Tenant;
  stack: TenantStack;
  /** Testing.synth output: the stack's Terraform JSON as a string (keys sorted, metadata stripped). */
  json: string;
  parsed: TerraformJson;
}

export interface TerraformJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: unknown }>;
  provider: Record<string, Array<Record<string, unknown>>>;
  terraform: Record<string, unknown>;
  variable?: Record<string, Record<string, unknown>>;
}

export function synthRepositoryTenants(): SynthesizedTenant[] {
  const app: App = Testing.app();
  return loadTenants("tenants").map((tenant) => {
    const stack = new TenantStack(app, tenant);
    const json = Testing.synth(stack);
    return { tenant, stack, json, parsed: JSON.parse(json) as TerraformJson };
  });
}

/** The single Action resource of a stack whose logical name is `name`. */
export function actionResource(parsed: TerraformJson, name = "add_metadata_claims"): Record<string, unknown> {
  const action = parsed.resource.auth0_action?.[name];
  if (!action) throw new Error(`no auth0_action.${name} in the stack`);
  return action;
}

/**
 * The code Auth0 receives for that Action: the string from the Terraform JSON, unescaped as
 * Terraform's template parser does, and the secrets as the stack writes them.
 */
export function deployedAction(parsed: TerraformJson, name = "add_metadata_claims"): { code: string; secrets: Record<string, string> } {
  const action = actionResource(parsed, name);
  const secrets = Object.fromEntries(
    ((action.secrets_wo as Array<{ name: string; value: string }>) ?? []).map((s) => [s.name, unescapeTerraformTemplate(s.value)]),
  );
  return { code: unescapeTerraformTemplate(action.code as string), secrets };
}
