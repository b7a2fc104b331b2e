/**
 * npm run test:cdktn [-- <jest args>]
 *
 * Runs jest test files on CDK Terrain (cdktn) under Node 22 with compat/cdktn/jest.config.js: "cdktf"
 * and the .gen/ bindings map to cdktn and its generated bindings, the snapshots are the default
 * path's. Without file arguments: the stacks' synth and snapshot tests, stack adoption, and
 * `terraform validate` of the output (jest flags such as --json still pass through).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { UserFacingError } from "../src/errors";
import { CDKTN_DIR, prepareCdktn } from "../src/compat/cdktn";
import { REPO_ROOT } from "../src/paths";
import { sandboxNode } from "../src/sandbox/node-runtime";

const DEFAULT_FILES = ["__tests__/stacks", "__tests__/adopt/stack-adoption.test.ts", "__tests__/terraform/provider-validates.test.ts"];

try {
  prepareCdktn((line) => console.error(`test:cdktn: ${line}`));
  const args = process.argv.slice(2);
  const files = args.filter((arg, i) => !arg.startsWith("-") && !(args[i - 1] ?? "").match(/^--(outputFile|testNamePattern|t)$/));
  const jest = join(REPO_ROOT, "node_modules", "jest", "bin", "jest.js");
  const run = spawnSync(
    sandboxNode().path,
    [jest, "--ci", "-c", join(CDKTN_DIR, "jest.config.js"), ...args, ...(files.length > 0 ? [] : DEFAULT_FILES)],
    {
      cwd: REPO_ROOT,
      stdio: "inherit",
    },
  );
  process.exitCode = run.status ?? 1;
} catch (error) {
  if (!(error instanceof UserFacingError)) throw error;
  console.error(`test:cdktn: ${error.message}`);
  process.exitCode = 1;
}
