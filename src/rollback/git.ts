/**
 * The git side of a roll-back: resolve a ref, list the commits that changed actions/, write the
 * revert as a commit on a new branch, and read the roll-back records those branches carry.
 * Nothing here touches a working tree or the current branch: the revert commit is built in a
 * temporary index (read-tree, write-tree, commit-tree) and only a new ref is created.
 * `env` is git's environment too, so GIT_DIR selects another repository (tests, embedding).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { UserFacingError } from "../errors";

const run = promisify(execFile);

export class GitError extends UserFacingError {}

export interface GitContext {
  /** Where git runs (a checkout of this repository). */
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export async function git(ctx: GitContext, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    const { stdout } = await run("git", [...args], { cwd: ctx.cwd, env: { ...ctx.env, ...extraEnv }, maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const stderr = ((error as { stderr?: string }).stderr ?? (error as Error).message).trim();
    throw new GitError(`git ${args[0]} failed: ${stderr}`);
  }
}

/** The commit `ref` names, or a clear error. */
export async function resolveCommit(ctx: GitContext, ref: string): Promise<string> {
  try {
    return await git(ctx, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    throw new GitError(`--to ${ref}: not a version number and not a git ref of this repository (a commit, tag or branch)`);
  }
}

/** The newest `max` commits reachable from HEAD that changed actions/, newest first. */
export async function commitsChangingActions(ctx: GitContext, max: number): Promise<string[]> {
  const out = await git(ctx, ["rev-list", `--max-count=${max}`, "HEAD", "--", "actions/"]);
  return out === "" ? [] : out.split("\n");
}

/** The name of the branch a roll-back of `tenant` to version `version` is written on. */
export const rollbackBranch = (tenant: string, version: number) => `rollback/${tenant}-v${version}`;

/** Trailers of the revert commit: how plan, verify and drift name the commit a roll-back returned to. */
const TRAILER = { tenant: "Rollback-Tenant", version: "Rollback-Version", to: "Rollback-To-Commit" } as const;

export interface RevertCommit {
  tenant: string;
  version: number;
  /** The commit whose actions/ the revert restores. */
  target: string;
  /** One line per rolled-back Action, for the commit message. */
  summary: readonly string[];
}

export type RevertWritten = { branch: string; commit: string } | { branch: string; unchanged: true };

/**
 * Writes a commit on a new branch `rollback/<tenant>-v<n>`, child of HEAD, whose actions/ is the
 * target commit's actions/ (everything else as at HEAD). A branch of that name that already holds this
 * revert (a rerun) is returned as it is; any other existing branch is refused. When HEAD's actions/
 * already is the target's, writes nothing (`unchanged`).
 */
export async function writeRevertBranch(ctx: GitContext, revert: RevertCommit): Promise<RevertWritten> {
  const branch = rollbackBranch(revert.tenant, revert.version);
  const existing = await git(ctx, ["for-each-ref", "--format=%(objectname)", `refs/heads/${branch}`]);
  if (existing !== "") {
    // A rerun (e.g. after the first run was killed once the branch was written) finds its own revert:
    // the same tenant, version and target. It is kept as it is; anything else is never overwritten.
    if (await isRevertOf(ctx, existing, revert)) return { branch, commit: existing };
    throw new GitError(
      `branch ${branch} already exists and does not hold this roll-back's revert: delete it (git branch -D ${branch}) or open its pull request`,
    );
  }
  const scratch = mkdtempSync(join(tmpdir(), "rollback-index-"));
  const index = { GIT_INDEX_FILE: join(scratch, "index") };
  try {
    await git(ctx, ["read-tree", "HEAD"], index);
    await git(ctx, ["rm", "-r", "--cached", "--quiet", "--ignore-unmatch", "--", "actions"], index);
    await git(ctx, ["read-tree", "--prefix=actions/", `${revert.target}:actions`], index);
    const tree = await git(ctx, ["write-tree"], index);
    if (tree === (await git(ctx, ["rev-parse", "HEAD^{tree}"]))) return { branch, unchanged: true };
    const short = revert.target.slice(0, 12);
    const message = [
      `Roll back ${revert.tenant} to v${revert.version}: actions/ as at ${short}`,
      "",
      `The tenant already runs this code (npm run rollback). Merging this brings the repository and`,
      `Terraform in line with it; until then plan, verify and drift report the roll-back.`,
      "",
      ...revert.summary.map((line) => `- ${line}`),
      "",
      `${TRAILER.tenant}: ${revert.tenant}`,
      `${TRAILER.version}: ${revert.version}`,
      `${TRAILER.to}: ${revert.target}`,
      "",
    ].join("\n");
    const commit = await git(ctx, ["commit-tree", tree, "-p", "HEAD", "-m", message]);
    // The empty old value: create only, never move an existing branch.
    await git(ctx, ["update-ref", `refs/heads/${branch}`, commit, ""]);
    return { branch, commit };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Whether `commit` is the revert commit writeRevertBranch writes for `revert` (by its trailers). */
async function isRevertOf(ctx: GitContext, commit: string, revert: RevertCommit): Promise<boolean> {
  const body = await git(ctx, ["log", "-1", "--format=%B", commit]).catch(() => "");
  const trailer = (key: string) => new RegExp(`^${key}: (.+)$`, "m").exec(body)?.[1]?.trim();
  return (
    trailer(TRAILER.tenant) === revert.tenant &&
    trailer(TRAILER.version) === String(revert.version) &&
    trailer(TRAILER.to) === revert.target
  );
}

export interface RollbackRecord {
  branch: string;
  /** The commit the roll-back returned the tenant to. */
  target: string;
}

/**
 * The roll-back records of `tenant` in this checkout (local and remote-tracking branches
 * rollback/<tenant>-v<n>), by version number. A checkout without them (a shallow CI clone) gives
 * none: the tenant alone still tells that it was rolled back, only not from which commit.
 */
export async function rollbackRecords(ctx: GitContext, tenant: string): Promise<Record<number, RollbackRecord>> {
  let refs: string[];
  try {
    const out = await git(ctx, [
      "for-each-ref",
      "--format=%(refname:short)",
      `refs/heads/rollback/${tenant}-v*`,
      `refs/remotes/*/rollback/${tenant}-v*`,
    ]);
    refs = out === "" ? [] : out.split("\n");
  } catch {
    return {};
  }
  const records: Record<number, RollbackRecord> = {};
  for (const ref of refs.sort()) {
    const body = await git(ctx, ["log", "-1", "--format=%B", ref]).catch(() => "");
    const trailer = (key: string) => new RegExp(`^${key}: (.+)$`, "m").exec(body)?.[1]?.trim();
    const version = Number(trailer(TRAILER.version));
    const target = trailer(TRAILER.to);
    if (trailer(TRAILER.tenant) !== tenant || !Number.isInteger(version) || !target) continue;
    records[version] ??= { branch: ref.replace(/^[^/]+\/(?=rollback\/)/, ""), target };
  }
  return records;
}
