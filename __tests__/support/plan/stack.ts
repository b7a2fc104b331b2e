/** Reads what a synthesized stack deploys, for building matching (or deliberately different) state. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { unescapeTerraformTemplate } from "../../../src/terraform/template-escape";

export interface SynthesizedAction {
  resourceName: string;
  name: string;
  /** The code as Terraform sends it (template escapes undone). */
  code: string;
  secretNames: string[];
  secretsWoVersion: number | undefined;
}

export function synthesizedActions(outdir: string, tenant: string): SynthesizedAction[] {
  const json = JSON.parse(readFileSync(join(outdir, "stacks", tenant, "cdk.tf.json"), "utf8"));
  return Object.entries(json.resource.auth0_action as Record<string, Record<string, unknown>>).map(([resourceName, a]) => ({
    resourceName,
    name: a.name as string,
    code: unescapeTerraformTemplate(a.code as string),
    secretNames: ((a.secrets_wo as Array<{ name: string }> | undefined) ?? []).map((s) => s.name),
    secretsWoVersion: a.secrets_wo_version as number | undefined,
  }));
}
