/**
 * The code each Action of a tenant had at a commit: that commit's actions/ and src/ (git archive
 * into a temporary directory, no worktree, nothing of the checkout touched), synthesized by that
 * commit's own code with this checkout's node_modules, then read like any artifact.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../paths";
import { readDeclaredStack } from "../terraform/declared-stack";
import { git, GitError, type GitContext } from "./git";
import { declaredContent, type DeclaredContent } from "./rules";

const run = promisify(execFile);

/** Resource address -> what the commit deploys for that Action (code and module code, sha256). */
export type CodeAtCommit = (commit: string) => Promise<Record<string, DeclaredContent>>;

const SYNTH_SCRIPT = `
const { loadTenants } = require("./src/config/load-tenants");
const { synthTenants } = require("./src/synth/synth-tenants");
const [tenantsDir, outdir, name] = process.argv.slice(-3);
synthTenants(loadTenants(tenantsDir).filter((t) => t.name === name), outdir);
`;

/** Synthesizes `tenant` (its current tenant file in `tenantsDir`) with the code of `commit`. */
export function codeAtCommit(ctx: GitContext, tenantsDir: string, tenant: string): CodeAtCommit {
  return async (commit) => {
    const dir = mkdtempSync(join(tmpdir(), "rollback-ref-"));
    try {
      const archive = join(dir, "ref.tar");
      await git(ctx, ["archive", "--format=tar", `--output=${archive}`, commit, "actions", "src", "tsconfig.json"]);
      const tree = join(dir, "tree");
      await run("mkdir", [tree]);
      await run("tar", ["-xf", archive, "-C", tree]);
      for (const linked of ["node_modules", ".gen"]) symlinkSync(join(REPO_ROOT, linked), join(tree, linked));
      const outdir = join(dir, "out");
      await run(join(REPO_ROOT, "node_modules", ".bin", "tsx"), ["-e", SYNTH_SCRIPT, tenantsDir, outdir, tenant], {
        cwd: tree,
        env: { ...process.env, CHECKPOINT_DISABLE: "1" },
        maxBuffer: 16 * 1024 * 1024,
      }).catch((error: unknown) => {
        const stderr = String((error as { stderr?: string }).stderr ?? "")
          .trim()
          .split("\n")
          .slice(-3)
          .join("\n");
        throw new GitError(`cannot synthesize ${tenant} at ${commit.slice(0, 12)}: ${stderr || (error as Error).message}`);
      });
      return Object.fromEntries(readDeclaredStack(join(outdir, "stacks", tenant)).actions.map((a) => [a.address, declaredContent(a)]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
