/** The unified diff behind "a changed Action code shown as a readable diff". */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { formatUnifiedDiff, unifiedDiff, type UnifiedDiff } from "../../src/plan/code-diff";
import { tempDir } from "../support/temp-dir";

/** Applies a diff to `before`: the diff is right only if this gives back `after`. */
function applyDiff(before: string, diff: UnifiedDiff): string {
  type Line = { text: string; newline: boolean };
  const parts = before === "" ? [] : before.split("\n");
  if (before.endsWith("\n")) parts.pop();
  const lines: Line[] = parts.map((text, i) => ({ text, newline: i < parts.length - 1 || before.endsWith("\n") }));
  const out: Line[] = [];
  let next = 0;
  for (const hunk of diff.hunks) {
    const start = hunk.oldLines === 0 ? hunk.oldStart : hunk.oldStart - 1;
    out.push(...lines.slice(next, start));
    next = start;
    hunk.lines.forEach((line, i) => {
      if (line.startsWith("\\")) return;
      const newline = !hunk.lines[i + 1]?.startsWith("\\");
      if (line.startsWith(" ") || line.startsWith("-")) next++;
      if (line.startsWith(" ") || line.startsWith("+")) out.push({ text: line.slice(1), newline });
    });
  }
  out.push(...lines.slice(next));
  return out.map((l) => l.text + (l.newline ? "\n" : "")).join("");
}

test("identical texts have no hunks and format to nothing", () => {
  const d = unifiedDiff("a\nb\n", "a\nb\n");
  expect(d).toEqual({ hunks: [], added: 0, removed: 0 });
  expect(formatUnifiedDiff(d, "a", "b")).toBe("");
});

test("a one-line change, with three lines of context", () => {
  const before = ["1", "2", "3", "4", "5", "6", "7", "8", "9"].join("\n") + "\n";
  const after = before.replace("5\n", "five\n");
  expect(formatUnifiedDiff(unifiedDiff(before, after), "deployed", "this change")).toBe(
    ["--- deployed", "+++ this change", "@@ -2,7 +2,7 @@", " 2", " 3", " 4", "-5", "+five", " 6", " 7", " 8"].join("\n"),
  );
});

test("a missing final newline is a change, shown the way git shows it", () => {
  const text = formatUnifiedDiff(unifiedDiff("a\nb\n", "a\nb"), "x", "y");
  expect(text).toBe(["--- x", "+++ y", "@@ -1,2 +1,2 @@", " a", "-b", "+b", "\\ No newline at end of file"].join("\n"));
});

test("same output as GNU diff -u on typical edits", () => {
  const dir = tempDir("code-diff");
  const cases: Array<[string, string]> = [
    ["a\nb\nc\n", "a\nB\nc\n"],
    ["", "x\n"],
    ["x\n", ""],
    ["1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n", "1\n2\nX\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n14\n15\n16\nY\n"],
    ["function f() {\n  return 1;\n}\n", "function f() {\n  // doubled\n  return 2;\n}\n"],
  ];
  for (const [before, after] of cases) {
    writeFileSync(join(dir, "a"), before);
    writeFileSync(join(dir, "b"), after);
    const gnu = spawnSync("diff", ["-u", "--label", "a", "--label", "b", join(dir, "a"), join(dir, "b")], { encoding: "utf8" });
    expect(gnu.status).toBe(1);
    expect(formatUnifiedDiff(unifiedDiff(before, after), "a", "b")).toBe(gnu.stdout.trimEnd());
  }
});

test("property: applying the diff to the old text gives the new text, and counts match", () => {
  const line = fc.constantFrom("a", "b", "c", "{", "}", "  return x;", "");
  const text = fc
    .tuple(fc.array(line, { maxLength: 30 }), fc.boolean())
    .map(([lines, newline]) => (lines.length === 0 ? "" : lines.join("\n") + (newline ? "\n" : "")));
  fc.assert(
    fc.property(text, text, (before, after) => {
      const diff = unifiedDiff(before, after);
      expect(applyDiff(before, diff)).toBe(after);
      const body = diff.hunks.flatMap((h) => h.lines);
      expect(body.filter((l) => l.startsWith("+")).length).toBe(diff.added);
      expect(body.filter((l) => l.startsWith("-")).length).toBe(diff.removed);
    }),
    { seed: 20261126, numRuns: 300 },
  );
});
