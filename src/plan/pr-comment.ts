/**
 * One pull-request comment holding every tenant's review, found again by a hidden marker so
 * each push updates it in place instead of adding another. Kept under GitHub's comment size
 * limit by shortening the longest reviews, never by dropping a tenant or a warning.
 */

export const COMMENT_MARKER = "<!-- auth0-plan-review -->";
/** GitHub rejects comment bodies over 65,536 characters; stay clear of it. */
export const MAX_COMMENT_LENGTH = 60_000;

export interface TenantReviewText {
  tenant: string;
  /** The review Markdown, or undefined when the plan job produced none. */
  markdown: string | undefined;
}

export interface CommentContext {
  /** Commit the plans were made for. */
  commit?: string;
  /** Link to the workflow run, where the full reviews are artifacts. */
  runUrl?: string;
  maxLength?: number;
}

export function composePullRequestComment(reviews: readonly TenantReviewText[], context: CommentContext = {}): string {
  const max = context.maxLength ?? MAX_COMMENT_LENGTH;
  const where = context.runUrl ? `the [workflow run](${context.runUrl})` : "the workflow run";
  const header = [
    COMMENT_MARKER,
    "# Auth0 plan review",
    "",
    `What merging this pull request would change in each tenant${context.commit ? ` (commit ${context.commit.slice(0, 12)})` : ""}. ` +
      `Updated on every push; full reviews are artifacts of ${where}.`,
    "",
  ].join("\n");
  const bodies = [...reviews]
    .sort((a, b) => a.tenant.localeCompare(b.tenant))
    .map((r) =>
      (
        r.markdown ??
        `## Plan for tenant \`${r.tenant}\`\n\n> [!CAUTION]\n> **No review**: the plan job failed before writing one; see ${where}.\n`
      ).trimEnd(),
    );
  const budget = Math.max(200, Math.floor((max - header.length) / Math.max(1, bodies.length)) - 10);
  const note = `_(shortened to fit a comment: the full review is in the \`plan-review-<tenant>\` artifact of ${where})_`;
  return `${header}\n${bodies.map((b) => shorten(b, budget, note)).join("\n\n---\n\n")}\n`;
}

/**
 * `text` cut at a line boundary to at most `budget` characters (note included). Warnings come
 * first in a review, so they survive; an open code fence is closed so the rest still renders.
 */
export function shorten(text: string, budget: number, note: string): string {
  if (text.length <= budget) return text;
  const kept: string[] = [];
  let length = note.length + 16;
  let fence: string | undefined;
  for (const line of text.split("\n")) {
    if (length + line.length + 1 > budget) break;
    kept.push(line);
    length += line.length + 1;
    const match = /^(?:> )?(`{3,})(.*)$/.exec(line);
    if (match && fence === undefined) fence = match[1];
    else if (match && match[1].length >= fence!.length && match[2].trim() === "") fence = undefined;
  }
  if (fence) kept.push(fence);
  return [...kept, "", note].join("\n");
}
