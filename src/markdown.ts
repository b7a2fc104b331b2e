/**
 * Text from a tenant (Action, Rule and Hook names, ids, parser messages) placed into Markdown the
 * repository writes: rendered as the same characters, never as structure. One line, so nothing can
 * start a heading, list, quote or table row; every character Markdown or HTML gives a meaning inside
 * a line is escaped, so nothing becomes a link, image, emphasis, code span, table cell or HTML tag.
 */

/** Characters CommonMark/GFM give a meaning inside a line (all backslash-escapable ASCII punctuation). */
const INLINE_MARKUP = /[\\`*_{}[\]()<>#!|~&$]/g;

// Line breaks of any kind (and other control characters) would end the list item or table row.
// eslint-disable-next-line no-control-regex
const LINE_BREAKS = /[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g;

/** `untrusted` as literal inline Markdown text on one line. */
export function markdownText(untrusted: string): string {
  const escaped = untrusted.replace(LINE_BREAKS, " ").replace(INLINE_MARKUP, "\\$&");
  // At the start of a line "-", "+", "=" and "1." open a list or underline a heading; escaped, they are text.
  return escaped.replace(/^[-+=]/, "\\$&").replace(/^(\d+)\./, "$1\\.");
}

/** `untrusted` as a code span on one line (fenced with more backticks than it contains). */
export function markdownCode(untrusted: string): string {
  const text = untrusted.replace(LINE_BREAKS, " ");
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = "`".repeat(longest + 1);
  // A space on each side keeps a leading or trailing backtick from joining the fence.
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}
