/**
 * The parity worker (worker.ts) as one CommonJS file a sandboxed process can run: bundled by
 * esbuild on first use in this process, written to a private temporary directory (the sandbox may
 * read that file and the project's node_modules, nothing else), removed when this process exits.
 * REPO_ROOT is fixed at bundle time: the bundle lives outside the repository.
 */
import { build, type Plugin } from "esbuild";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../paths";

let bundled: Promise<string> | undefined;

/** The path of the bundled worker; bundles it once per process. */
export function parityWorkerFile(): Promise<string> {
  bundled ??= bundleWorker();
  // A failed bundle is not kept: the next call tries again (and reports its own error).
  bundled.catch(() => (bundled = undefined));
  return bundled;
}

async function bundleWorker(): Promise<string> {
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [join(__dirname, "worker.ts")],
    bundle: true,
    write: false,
    platform: "node",
    format: "cjs",
    target: "node22",
    legalComments: "none",
    charset: "utf8",
    logLevel: "silent",
    plugins: [fixedRepoRoot],
  });
  const dir = mkdtempSync(join(tmpdir(), "parity-worker-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "worker.cjs");
  writeFileSync(file, result.outputFiles[0].text, { mode: 0o400 });
  return file;
}

/** src/paths.ts computes REPO_ROOT from its own location; inside the bundle that would be the temporary directory. */
const fixedRepoRoot: Plugin = {
  name: "fixed-repo-root",
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]paths\.ts$/ }, () => ({
      contents: `export const REPO_ROOT = ${JSON.stringify(REPO_ROOT)};\n`,
      loader: "ts",
    }));
  },
};
