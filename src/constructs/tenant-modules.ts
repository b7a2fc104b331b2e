/** The Action Modules of one tenant file (`modules:`), one Auth0ActionModule each, in name order. */
import type { Construct } from "constructs";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ModuleEntry } from "../config/tenant-schema";
import { Auth0ActionModule } from "./auth0-action-module";

/** The stack output promotion compares for modules: { <module name>: sha256 of its code }. */
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
  return declared;
}
