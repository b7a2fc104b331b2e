/**
 * Where Terraform runs for a tenant: the synthesized stack directory itself, or, to plan against
 * local state files instead of the tenant's backend (tests, forks without AWS access), a
 * temporary copy of it with a `backend_override.tf.json`. A copy, never the stack directory:
 * the override must not end up in the artifact a deploy job applies.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export interface StackWorkdir {
  dir: string;
  /** Removes the temporary copy, if one was made. */
  dispose(): void;
}

export interface WorkdirOptions {
  /** Plan against `<localStateDir>/<tenant>.tfstate` instead of the backend the tenant file declares. */
  localStateDir?: string;
}

export const BACKEND_OVERRIDE_FILE = "backend_override.tf.json";

export function localStatePath(localStateDir: string, tenant: string): string {
  return resolve(localStateDir, `${tenant}.tfstate`);
}

export function openStackWorkdir(stackDir: string, tenant: string, options: WorkdirOptions = {}): StackWorkdir {
  if (!options.localStateDir) return { dir: stackDir, dispose: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), `auth0-${tenant}-`));
  copyFileSync(join(stackDir, "cdk.tf.json"), join(dir, "cdk.tf.json"));
  // Terraform merges *_override.tf.json files last; a backend block there replaces the stack's
  // backend whatever its type (local, s3, cloud).
  const override = { terraform: { backend: { local: { path: localStatePath(options.localStateDir, tenant) } } } };
  writeFileSync(join(dir, BACKEND_OVERRIDE_FILE), `${JSON.stringify(override, null, 2)}\n`);
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
