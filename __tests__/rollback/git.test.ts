/**
 * The revert branch of a roll-back in a throwaway repository: written as a child of HEAD with the
 * target's actions/, found again by a rerun (after a kill, say) instead of failing, and never written
 * over a branch of the same name that holds something else.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GitError, rollbackRecords, writeRevertBranch, type GitContext } from "../../src/rollback/git";
import { tempDir } from "../support/temp-dir";

const repo = tempDir("rollback-git");
const env = {
  ...process.env,
  GIT_DIR: join(repo, ".git"),
  GIT_WORK_TREE: repo,
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.com",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  HOME: repo,
};
const ctx: GitContext = { cwd: repo, env };
const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, env, encoding: "utf8" }).trim();

function commit(code: string, message: string): string {
  mkdirSync(join(repo, "actions"), { recursive: true });
  writeFileSync(join(repo, "actions", "claims.ts"), code);
  git("add", "-A");
  git("commit", "-q", "-m", message);
  return git("rev-parse", "HEAD");
}

git("init", "-q", "-b", "main");
const good = commit("export const v = 1;\n", "good");
const bad = commit("export const v = 2;\n", "bad");
const revert = { tenant: "dev", version: 1, target: good, summary: ['"Claims" v1'] };

test("a rerun finds its own revert branch and returns it unchanged", async () => {
  const first = await writeRevertBranch(ctx, revert);
  expect(first).toEqual({ branch: "rollback/dev-v1", commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
  const written = (first as { commit: string }).commit;
  expect(git("rev-parse", `${written}^`)).toBe(bad);
  expect(git("show", `${written}:actions/claims.ts`)).toBe("export const v = 1;");

  const again = await writeRevertBranch(ctx, revert);
  expect(again).toEqual({ branch: "rollback/dev-v1", commit: written });
  expect(git("rev-parse", "rollback/dev-v1")).toBe(written);
  expect(await rollbackRecords(ctx, "dev")).toEqual({ 1: { branch: "rollback/dev-v1", target: good } });
});

test("a branch of that name holding anything else is refused and left as it was", async () => {
  git("branch", "rollback/dev-v2", bad);
  const attempt = writeRevertBranch(ctx, { ...revert, version: 2 });
  await expect(attempt).rejects.toBeInstanceOf(GitError);
  await expect(attempt).rejects.toThrow(
    "branch rollback/dev-v2 already exists and does not hold this roll-back's revert: delete it (git branch -D rollback/dev-v2) or open its pull request",
  );
  expect(git("rev-parse", "rollback/dev-v2")).toBe(bad);
});
