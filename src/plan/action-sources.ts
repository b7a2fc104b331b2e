/**
 * Which files under actions/ changed since the base branch: the sources behind a code diff in
 * the review. Best effort: outside a git checkout, or without the base branch (a shallow CI
 * clone), the review says it cannot tell instead of failing the plan.
 */
import { spawnSync } from "node:child_process";
import type { ChangedSources } from "./review-types";

/**
 * Base branch candidates, most specific first: an explicit one, the pull request's base
 * (GITHUB_BASE_REF in GitHub Actions), then origin/main and main.
 */
export function baseCandidates(explicit: string | undefined, env: NodeJS.ProcessEnv): string[] {
  if (explicit) return [explicit];
  return [...(env.GITHUB_BASE_REF ? [`origin/${env.GITHUB_BASE_REF}`] : []), "origin/main", "main"];
}

/** Files under `actions/` that differ between the merge base with `base` and the working tree (committed or not). */
export function changedActionSources(repoRoot: string, candidates: readonly string[]): ChangedSources {
  const git = (...args: string[]) => {
    const r = spawnSync("git", ["-C", repoRoot, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  if (git("rev-parse", "--is-inside-work-tree") !== "true") return { known: false, reason: "not a git checkout" };
  const base = candidates.find((ref) => git("rev-parse", "--verify", "--quiet", `${ref}^{commit}`) !== undefined);
  if (!base)
    return { known: false, reason: `base branch not found (tried ${candidates.join(", ")}); fetch it, e.g. \`git fetch origin main\`` };
  const mergeBase = git("merge-base", base, "HEAD");
  if (!mergeBase) return { known: false, reason: `no common history with ${base} (shallow clone? fetch with depth 0)` };
  const changed = git("diff", "--name-only", "--no-renames", mergeBase, "--", "actions/");
  const untracked = git("ls-files", "--others", "--exclude-standard", "--", "actions/");
  if (changed === undefined || untracked === undefined) return { known: false, reason: "git diff failed" };
  const files = [...new Set([...changed.split("\n"), ...untracked.split("\n")].filter((f) => f !== ""))].sort();
  return { known: true, base, files };
}
