/**
 * npm run typecheck:cdktn
 *
 * Type-checks the repository's sources against CDK Terrain: cdktn's types and the bindings its own
 * `get` generated (compat/cdktn/.gen), through compat/cdktn/tsconfig.json. Installs and generates
 * them first when needed.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { UserFacingError } from "../src/errors";
import { CDKTN_DIR, prepareCdktn } from "../src/compat/cdktn";
import { REPO_ROOT } from "../src/paths";

/** The sources, linked; .gen is cdktn's. Relative links: the folder can move with the checkout. */
function linkSources(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  for (const entry of ["main.ts", "src", "actions", "__tests__", "scripts", "node_modules"])
    symlinkSync(relative(dir, join(REPO_ROOT, entry)), join(dir, entry));
  symlinkSync(relative(dir, join(CDKTN_DIR, ".gen")), join(dir, ".gen"));
}

try {
  prepareCdktn((line) => console.error(`typecheck:cdktn: ${line}`));
  linkSources(join(CDKTN_DIR, ".typecheck"));
  const tsc = spawnSync(
    process.execPath,
    [join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", join(CDKTN_DIR, "tsconfig.json")],
    {
      cwd: REPO_ROOT,
      stdio: "inherit",
    },
  );
  process.exitCode = tsc.status ?? 1;
} catch (error) {
  if (!(error instanceof UserFacingError)) throw error;
  console.error(`typecheck:cdktn: ${error.message}`);
  process.exitCode = 1;
}
