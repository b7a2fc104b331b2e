/** The pull-request comment: one per pull request (found by its marker), every tenant, within GitHub's size limit. */
import { COMMENT_MARKER, composePullRequestComment, shorten } from "../../src/plan/pr-comment";

const review = (tenant: string, body = "**2 to add, 0 to change, 0 to destroy.**") => `## Plan for tenant \`${tenant}\`\n\n${body}\n`;

test("starts with the hidden marker and holds every tenant's review, sorted", () => {
  const comment = composePullRequestComment(
    [
      { tenant: "staging", markdown: review("staging") },
      { tenant: "dev", markdown: review("dev") },
    ],
    { commit: "0123456789abcdef0123", runUrl: "https://github.com/o/r/actions/runs/1" },
  );
  expect(comment.startsWith(`${COMMENT_MARKER}\n# Auth0 plan review`)).toBe(true);
  expect(comment).toContain("(commit 0123456789ab)");
  expect(comment).toContain("[workflow run](https://github.com/o/r/actions/runs/1)");
  expect(comment.indexOf("tenant `dev`")).toBeLessThan(comment.indexOf("tenant `staging`"));
});

test("a tenant whose plan job wrote no review is listed as failed, not left out", () => {
  const comment = composePullRequestComment([{ tenant: "prod", markdown: undefined }]);
  expect(comment).toContain("## Plan for tenant `prod`");
  expect(comment).toContain("**No review**: the plan job failed before writing one");
});

test("long reviews are shortened to fit; warnings (at the top) survive and an open code fence is closed", () => {
  const diff = ["### Action code", "", "```diff", ...Array.from({ length: 5000 }, (_, i) => `+line ${i}`), "```"].join("\n");
  const long = review("dev", `> [!CAUTION]\n> - ⚠️ Deletes Action "Legacy"\n\n${diff}`);
  const comment = composePullRequestComment(
    [
      { tenant: "dev", markdown: long },
      { tenant: "prod", markdown: review("prod") },
    ],
    { maxLength: 20_000 },
  );
  expect(comment.length).toBeLessThanOrEqual(20_000);
  expect(comment).toContain('Deletes Action "Legacy"');
  expect(comment).toContain("_(shortened to fit a comment");
  expect(comment).toContain("## Plan for tenant `prod`");
  const fences = comment.split("\n").filter((l) => l.startsWith("```"));
  expect(fences.length % 2).toBe(0);
});

test("shorten leaves short text alone", () => {
  expect(shorten("abc", 100, "note")).toBe("abc");
});
