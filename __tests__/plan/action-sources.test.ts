/** "Which files under actions/ changed since the base branch", from git, and honest when git cannot tell. */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { baseCandidates, changedActionSources } from "../../src/plan/action-sources";
import { tempDir } from "../support/temp-dir";

function repo(): { dir: string; git: (...args: string[]) => void; write: (path: string, text: string) => void } {
  const dir = tempDir("action-sources");
  const git = (...args: string[]) => {
    execFileSync("git", ["-C", dir, ...args], {
      stdio: "ignore",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@example.com",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@example.com",
      },
    });
  };
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  git("init", "-q", "-b", "main");
  return { dir, git, write };
}

test("lists committed, uncommitted and new files under actions/ since the merge base, nothing else", () => {
  const { dir, git, write } = repo();
  write("actions/post-login/a.ts", "1");
  write("actions/lib/b.ts", "1");
  write("README.md", "1");
  git("add", ".");
  git("commit", "-q", "-m", "base");
  git("checkout", "-q", "-b", "feature");
  write("actions/post-login/a.ts", "2");
  write("README.md", "2");
  git("commit", "-q", "-am", "change");
  write("actions/lib/b.ts", "2");
  write("actions/lib/new.ts", "new");
  expect(changedActionSources(dir, ["main"])).toEqual({
    known: true,
    base: "main",
    files: ["actions/lib/b.ts", "actions/lib/new.ts", "actions/post-login/a.ts"],
  });
});

test("the pull request's base branch comes first; an explicit one replaces the defaults", () => {
  expect(baseCandidates(undefined, { GITHUB_BASE_REF: "release" })).toEqual(["origin/release", "origin/main", "main"]);
  expect(baseCandidates("v1.0", { GITHUB_BASE_REF: "release" })).toEqual(["v1.0"]);
});

test("unknown, with the reason, when there is no base branch or no git checkout", () => {
  const { dir } = repo();
  expect(changedActionSources(dir, ["origin/main"])).toEqual({
    known: false,
    reason: expect.stringContaining("base branch not found (tried origin/main)"),
  });
  expect(changedActionSources(tempDir("no-git"), ["main"])).toEqual({ known: false, reason: "not a git checkout" });
});
