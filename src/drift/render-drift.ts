/** Drift model -> Markdown. */
import { renderCodeChange, renderShown } from "../plan/render-markdown";
import { isCodeSummary, type AttributeChange } from "../plan/review";
import type { DriftReport } from "./drift-report";

export function renderDriftMarkdown(report: DriftReport): string {
  const out = [`## Drift check for tenant \`${report.tenant}\``, ""];
  if (report.drifted.length === 0) {
    out.push(
      report.checked === 0
        ? `**No drift.** The state of \`${report.tenantFile}\` records no resources yet, so there is nothing to compare.`
        : `**No drift.** The ${report.checked} resource${report.checked > 1 ? "s" : ""} recorded for \`${report.tenantFile}\` match${report.checked > 1 ? "" : "es"} Auth0.`,
    );
    return `${out.join("\n")}\n`;
  }
  const n = report.drifted.length;
  out.push(
    "> [!WARNING]",
    `> **${n} resource${n > 1 ? "s" : ""} changed outside this repository.** The next apply of \`${report.tenantFile}\` puts back what the repository declares; ` +
      "keep a change made in the dashboard by adding it to the repository first.",
    "",
  );
  for (const r of report.drifted) {
    const what =
      r.kind === "delete" ? "deleted outside this repository (the next apply creates it again)" : "changed outside this repository";
    out.push(`- \`${r.address}\`: ${r.subject}, ${what}`);
    for (const a of r.attributes) out.push(`  - ${renderAttribute(a)}`);
  }
  if (report.codeChanges.length > 0) {
    out.push("", "### Action code edited outside this repository", "");
    for (const c of report.codeChanges) out.push(...renderCodeChange(c, { before: "recorded", after: "in Auth0 now" }), "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

function renderAttribute(a: AttributeChange): string {
  const show = (v: AttributeChange["before"]) =>
    v === undefined
      ? "(none)"
      : isCodeSummary(v)
        ? `${v.lines} line${v.lines === 1 ? "" : "s"}, sha256 \`${v.sha256.slice(0, 12)}\``
        : renderShown(v);
  return `${a.name}: recorded ${show(a.before)}, now ${show(a.after)}`;
}
