/**
 * A line-based unified diff of an Action's code, so a plan review shows what changes the way
 * `git diff` would. The diff itself is jsdiff's (`diff`, the ecosystem's implementation); this
 * module only shapes it for the review and stays exact about what Auth0 compares byte for byte:
 * a missing final newline is shown as git shows it, and a trailing CR is made visible (␍).
 */
import { structuredPatch } from "diff";

export interface DiffHunk {
  /** 1-based first line in the old text (0 when the hunk adds to an empty text). */
  readonly oldStart: number;
  readonly oldLines: number;
  readonly newStart: number;
  readonly newLines: number;
  /** Each line prefixed with " ", "-" or "+"; "\ No newline at end of file" as git prints it. */
  readonly lines: readonly string[];
}

export interface UnifiedDiff {
  readonly hunks: readonly DiffHunk[];
  readonly added: number;
  readonly removed: number;
}

export function unifiedDiff(before: string, after: string, context = 3): UnifiedDiff {
  const patch = structuredPatch("before", "after", before, after, undefined, undefined, { context });
  const hunks = patch.hunks.map((h) => ({
    // An empty side is numbered by the line before it, as GNU diff and git do (jsdiff's formatPatch does the same).
    oldStart: h.oldLines === 0 ? h.oldStart - 1 : h.oldStart,
    oldLines: h.oldLines,
    newStart: h.newLines === 0 ? h.newStart - 1 : h.newStart,
    newLines: h.newLines,
    lines: h.lines.map((line) => (line.startsWith("\\") ? line : line.replace(/\r$/, "␍"))),
  }));
  const count = (prefix: string) => hunks.reduce((n, h) => n + h.lines.filter((l) => l.startsWith(prefix)).length, 0);
  return { hunks, added: count("+"), removed: count("-") };
}

/** git-style text: "--- from", "+++ to", then each hunk. Empty when nothing changed. */
export function formatUnifiedDiff(diff: UnifiedDiff, fromLabel: string, toLabel: string): string {
  if (diff.hunks.length === 0) return "";
  const out = [`--- ${fromLabel}`, `+++ ${toLabel}`];
  for (const h of diff.hunks) {
    out.push(`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`, ...h.lines);
  }
  return out.join("\n");
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}
