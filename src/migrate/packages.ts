/** npm package specs as Rules wrote them in require(): `pkg@1.2.3`, `@scope/pkg@1.2.3`, `pkg`, Node built-ins. */
import { builtinModules } from "node:module";

export interface PackageSpec {
  name: string;
  version?: string;
}

export function parsePackageSpec(spec: string): PackageSpec {
  const at = spec.indexOf("@", spec.startsWith("@") ? 1 : 0);
  return at > 0 ? { name: spec.slice(0, at), version: spec.slice(at + 1) } : { name: spec };
}

export function isBuiltinModule(name: string): boolean {
  return name.startsWith("node:") || builtinModules.includes(name);
}
