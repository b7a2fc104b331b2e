/**
 * The Action Modules of one tenant file (`modules:`), one Auth0ActionModule each, in name order, and
 * the stack output recording each one's code hash (only in stacks that declare modules, so the
 * others synthesize exactly as before).
 */
import { Fn, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ModuleEntry } from "../config/tenant-schema";
import { Auth0ActionModule } from "./auth0-action-module";

/** The stack output { <module name>: sha256 of its code as Terraform sends it }: state records what was published. */
export const MODULE_HASH_OUTPUT = "action_module_code_sha256";

export function declareModules(
  scope: Construct,
  modules: Readonly<Record<string, ModuleEntry>>,
  handlersRoot?: string,
): ReadonlyMap<string, Auth0ActionModule> {
  const declared = new Map<string, Auth0ActionModule>();
  for (const name of Object.keys(modules).sort()) {
    declared.set(
      name,
      new Auth0ActionModule(scope, `module-${name}`, {
        name,
        dependencies: modules[name].dependencies,
        // A test's own handler folder may hold modules too; the repository's are found otherwise.
        ...(handlersRoot && existsSync(join(handlersRoot, "modules", name, "index.ts"))
          ? { modulesRoot: join(handlersRoot, "modules") }
          : {}),
      }),
    );
  }
  if (declared.size > 0) {
    new TerraformOutput(scope, MODULE_HASH_OUTPUT, {
      description: "sha256 of each Action Module's code as Terraform sends it, by module name: what each tenant published",
      value: Object.fromEntries([...declared.values()].map((m) => [m.name, Fn.sha256(m.module.code)])),
    });
  }
  return declared;
}
