/**
 * A line-based unified diff (Myers' O(ND) algorithm), so a plan review shows what changes in an
 * Action's code the way `git diff` would, without a dependency. Exact about what Auth0 compares
 * byte for byte: a missing final newline and a trailing CR are shown, not hidden.
 */

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

type Op = { kind: " " | "-" | "+"; line: Line };
interface Line {
  text: string;
  /** The last line of a text that does not end with "\n". */
  noFinalNewline: boolean;
}

const NO_NEWLINE = "\\ No newline at end of file";

export function unifiedDiff(before: string, after: string, context = 3): UnifiedDiff {
  const ops = diffLines(splitLines(before), splitLines(after));
  return {
    hunks: groupHunks(ops, context),
    added: ops.filter((o) => o.kind === "+").length,
    removed: ops.filter((o) => o.kind === "-").length,
  };
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

function splitLines(text: string): Line[] {
  if (text === "") return [];
  const parts = text.split("\n");
  const endsWithNewline = parts[parts.length - 1] === "";
  if (endsWithNewline) parts.pop();
  return parts.map((t, i) => ({ text: t, noFinalNewline: !endsWithNewline && i === parts.length - 1 }));
}

const same = (a: Line, b: Line) => a.text === b.text && a.noFinalNewline === b.noFinalNewline;

/** Myers' shortest edit script, after trimming the common head and tail (the usual case for code). */
function diffLines(a: Line[], b: Line[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && same(a[head], b[head])) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && same(a[a.length - 1 - tail], b[b.length - 1 - tail])) tail++;
  const middle = myers(a.slice(head, a.length - tail), b.slice(head, b.length - tail));
  return [
    ...a.slice(0, head).map((line): Op => ({ kind: " ", line })),
    ...middle,
    ...a.slice(a.length - tail).map((line): Op => ({ kind: " ", line })),
  ];
}

function myers(a: Line[], b: Line[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  if (max === 0) return [];
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d] holds v[-d-1 .. d+1] as it was before step d: enough to walk the path back.
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && same(a[x], b[y])) x++, y++;
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace);
    }
  }
  throw new Error("unreachable: Myers diff always ends within n + m steps");
}

function backtrack(a: Line[], b: Line[], trace: Int32Array[]): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const saved = trace[d];
    const at = (k: number) => saved[k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) ops.push({ kind: " ", line: a[--x] }), y--;
    if (d > 0) {
      if (x === prevX) ops.push({ kind: "+", line: b[--y] });
      else ops.push({ kind: "-", line: a[--x] });
    }
  }
  return ops.reverse();
}

function groupHunks(ops: Op[], context: number): DiffHunk[] {
  const changed = ops.map((o, i) => (o.kind === " " ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return [];
  // Spans of ops around changes, merged when their context would touch.
  const spans: Array<[number, number]> = [];
  for (const i of changed) {
    const start = Math.max(0, i - context);
    const end = Math.min(ops.length - 1, i + context);
    const last = spans[spans.length - 1];
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else spans.push([start, end]);
  }
  // Line numbers before each op.
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let o = 0;
  let n = 0;
  for (const op of ops) {
    oldAt.push(o);
    newAt.push(n);
    if (op.kind !== "+") o++;
    if (op.kind !== "-") n++;
  }
  return spans.map(([start, end]) => {
    const slice = ops.slice(start, end + 1);
    const oldLines = slice.filter((x) => x.kind !== "+").length;
    const newLines = slice.filter((x) => x.kind !== "-").length;
    const lines = slice.flatMap((x) => {
      const text = `${x.kind}${x.line.text.replace(/\r$/, "␍")}`;
      return x.line.noFinalNewline ? [text, NO_NEWLINE] : [text];
    });
    return {
      oldStart: oldLines === 0 ? oldAt[start] : oldAt[start] + 1,
      oldLines,
      newStart: newLines === 0 ? newAt[start] : newAt[start] + 1,
      newLines,
      lines,
    };
  });
}
