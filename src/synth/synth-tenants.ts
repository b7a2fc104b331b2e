/**
 * Synthesizes tenant stacks in-process (what `cdktf synth` does through main.ts), into any
 * directory. Used by the plan review, the local tenant's deploy, tests and benchmarks, so all
 * of them read the same Terraform JSON that `cdktf deploy` applies.
 */
import { App } from "cdktf";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Tenant } from "../config/load-tenants";
import { TenantStack, type TenantStackOptions } from "../stacks/tenant-stack";

export interface SynthesizedStack {
  tenant: Tenant;
  stack: TenantStack;
  /** Directory holding cdk.tf.json for this tenant. */
  dir: string;
}

export function synthTenants(tenants: readonly Tenant[], outdir: string, options: TenantStackOptions = {}): SynthesizedStack[] {
  mkdirSync(outdir, { recursive: true });
  // No stack traces in manifest.json: they hold absolute paths, and the artifact must be the same bytes anywhere.
  const app = new App({ outdir, skipValidation: false, stackTraces: false });
  const stacks = tenants.map((tenant) => new TenantStack(app, tenant, options));
  app.synth();
  return stacks.map((stack) => ({ tenant: stack.tenant, stack, dir: join(outdir, "stacks", stack.tenant.name) }));
}
