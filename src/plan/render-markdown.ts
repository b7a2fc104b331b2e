/**
 * Review model -> Markdown (GitHub-flavoured, also readable in a terminal). Only formatting
 * here: every decision about what to show was made in review.ts and warnings.ts.
 */
import { formatUnifiedDiff } from "./code-diff";
import type { ChangeKind } from "../terraform/plan-json";
import { isCodeSummary, type AttributeChange, type CodeChange, type CodeSummary, type PlanReview } from "./review";
import { isPlaceholder, type Shown } from "./shown-value";

const VERB: Record<ChangeKind, string> = {
  create: "create",
  update: "update in place",
  delete: "destroy",
  replace: "replace (destroy, then create)",
  read: "read",
  forget: "forget (remove from state, keep in Auth0)",
  "no-op": "no change",
};

export function renderReviewMarkdown(review: PlanReview): string {
  const { add, change, destroy } = review.counts;
  const out: string[] = [`## Plan for tenant \`${review.tenant}\``, ""];
  const flows = review.flows.map((f) => `${f.trigger} flow: ${f.mode}`).join(" · ");
  out.push(
    `Tenant file \`${review.tenantFile}\` · ${flows || "no flows"} · **${add} to add, ${change} to change, ${destroy} to destroy.**`,
    "",
  );
  if (review.stateNote) out.push("> [!NOTE]", `> ${escapeText(review.stateNote)}`, "");
  if (review.priorResources === 0 && add > 0) {
    out.push(
      "> [!NOTE]",
      "> The state records no resources for this tenant, so everything is planned as new. If the tenant already has these Actions " +
        "(made by hand, or the state was lost, e.g. a local backend on a CI runner), import them first: the apply would try to create them again.",
      "",
    );
  }
  if (review.warnings.length > 0) {
    out.push(
      "> [!CAUTION]",
      `> **${review.warnings.length} change${review.warnings.length > 1 ? "s" : ""} to the login flow need${review.warnings.length > 1 ? "" : "s"} a careful look:**`,
      ">",
    );
    for (const w of review.warnings) out.push(`> - ⚠️ ${escapeText(w.message)}`);
    out.push("");
  }
  if (review.bindingOrders.length > 0) {
    out.push("### Binding order (before → after)", "");
    for (const f of review.bindingOrders) {
      out.push(`- ${f.trigger}`, `  - before: ${renderOrder(f.before)}`, `  - after: ${renderOrder(f.after)}`);
    }
    out.push("");
  }
  if (review.resources.length === 0 && review.outputs.length === 0) {
    out.push("**No changes.** The tenant already matches this configuration.", "");
  }
  if (review.resources.length > 0) {
    out.push("### Resource changes", "");
    for (const r of review.resources) {
      out.push(`- **${VERB[r.kind]}** \`${r.address}\`: ${escapeText(r.subject)}${r.reason ? ` (${escapeText(r.reason)})` : ""}`);
      for (const a of r.attributes) out.push(`  - ${renderAttribute(a, r.kind)}`);
      if (r.kind === "update" && r.attributes.length === 0) {
        out.push("  - no attribute changes: Terraform only updates what it records about the resource (e.g. which values are sensitive)");
      }
    }
    out.push("");
  }
  if (review.codeChanges.length > 0) {
    out.push("### Action code", "");
    for (const c of review.codeChanges) out.push(...renderCodeChange(c), "");
  }
  out.push(...renderSources(review), "");
  if (review.outputs.length > 0) {
    out.push("### Outputs", "");
    for (const o of review.outputs) {
      out.push(
        o.kind === "create"
          ? `- \`${o.name}\`: ${renderShown(o.after)}`
          : `- \`${o.name}\`: ${renderShown(o.before)} → ${renderShown(o.after)}`,
      );
    }
    out.push("");
  }
  return (
    out
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trimEnd() + "\n"
  );
}

function renderOrder(names: readonly string[]): string {
  return names.length === 0 ? "(nothing bound)" : names.map((n) => inlineCode(JSON.stringify(n))).join(" → ");
}

function renderAttribute(a: AttributeChange, kind: ChangeKind): string {
  const forces = a.forcesReplacement ? " **(forces replacement)**" : "";
  if (kind === "create" || a.before === undefined) return `${a.name}: ${renderValue(a.after)}${forces}`;
  if (a.name === "code") return `code: changed, see the diff below (${renderValue(a.before)} → ${renderValue(a.after)})${forces}`;
  return `${a.name}: ${renderValue(a.before)} → ${renderValue(a.after)}${forces}`;
}

/** A code change as a titled, fenced unified diff; the labels name the two sides ("deployed" / "this change"). */
export function renderCodeChange(
  c: CodeChange,
  labels: { before: string; after: string } = { before: "deployed", after: "this change" },
): string[] {
  const module = c.address.startsWith("auth0_action_module.");
  const title = `#### ${module ? "Action Module" : "Action"} "${escapeText(c.actionName)}" (\`${c.address}\`)`;
  const pinned = c.pinnedBy
    ? [
        "",
        c.pinnedBy.length > 0
          ? `Actions pinned to this module (each moves to the new version): ${c.pinnedBy.map((a) => `\`${a}\``).join(", ")}.`
          : "No Action is pinned to this module.",
      ]
    : [];
  if (c.diff && c.before && c.after) {
    const body = formatUnifiedDiff(c.diff, `${labels.before} (sha256 ${short(c.before)})`, `${labels.after} (sha256 ${short(c.after)})`);
    return [
      title,
      "",
      `Code changes: +${c.diff.added} −${c.diff.removed} lines (${c.before.lines} → ${c.after.lines} lines).`,
      ...pinned,
      "",
      ...fenced("diff", body),
    ];
  }
  if (c.after) return [title, "", `New code: ${renderCode(c.after)}.`, ...pinned];
  if (c.before) return [title, "", `Code removed with the ${module ? "module" : "Action"}: ${renderCode(c.before)}.`, ...pinned];
  return [title];
}

function renderSources(review: PlanReview): string[] {
  const s = review.changedSources;
  if (!s.known) return ["### Action sources", "", `Could not tell which files under \`actions/\` changed: ${escapeText(s.reason)}.`];
  const head = `### Action sources changed since \`${s.base}\``;
  if (s.files.length === 0) return [head, "", "None."];
  return [head, "", ...s.files.map((f) => `- \`${f}\``)];
}

function renderValue(value: Shown | CodeSummary | undefined): string {
  if (value === undefined) return "(none)";
  if (isCodeSummary(value)) return renderCode(value);
  return renderShown(value);
}

function renderCode(c: CodeSummary): string {
  return `${c.lines} line${c.lines === 1 ? "" : "s"}, ${c.bytes} bytes, sha256 \`${short(c)}\``;
}

function short(c: CodeSummary): string {
  return c.sha256.slice(0, 12);
}

const PLACEHOLDER_TEXT = {
  sensitive: "(sensitive value)",
  "write-only": "(write-only attribute)",
  unknown: "(known after apply)",
} as const;

/** A value as inline code, with placeholders left as plain words so they never look like data. */
export function renderShown(value: Shown): string {
  if (isPlaceholder(value)) return value.from ? `(known after apply: \`${value.from}\`)` : PLACEHOLDER_TEXT[value.placeholder];
  if (value === null) return "(none)";
  if (Array.isArray(value) || typeof value === "object") {
    const parts = Array.isArray(value)
      ? value.map((v) => renderShown(v))
      : Object.entries(value).map(
          ([k, v]) => `${/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : inlineCode(JSON.stringify(k))} = ${renderShown(v)}`,
        );
    return Array.isArray(value) ? `[${parts.join(", ")}]` : `{ ${parts.join(", ")} }`;
  }
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return inlineCode(text.length > 200 ? `${text.slice(0, 199)}…` : text);
}

function inlineCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = "`".repeat(longest + 1);
  return longest > 0 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

/** A fenced block whose fence is longer than any run of backticks in the content. */
function fenced(lang: string, body: string): string[] {
  const longest = Math.max(2, ...(body.match(/`+/g) ?? []).map((m) => m.length));
  const fence = "`".repeat(longest + 1);
  return [`${fence}${lang}`, body, fence];
}

/** Escapes Markdown in free text, keeping `code spans` as they are. */
function escapeText(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/([\\*_[\]<>|#])/g, "\\$1")))
    .join("");
}
