/**
 * The text `npm run migrate-rule` prints: what changed (grouped by message, with Rule lines),
 * what is left as MIGRATION_TODO_*, the type check, and the tenant-file entry the Action needs.
 */
import type { ReportEntry } from "./conversion";
import type { MigrationResult } from "./migrate-rule";
import { renderTenantSnippet, type TenantActionEntry } from "./tenant-entry";

export interface ReportContext {
  ruleFile: string;
  outFile: string;
  entry: TenantActionEntry;
  /** What happened to the tenant file, when --tenant was given. */
  tenantOutcome?: string;
}

export function formatMigrationReport(result: MigrationResult, ctx: ReportContext): string {
  const out: string[] = [];
  const exports = result.hasContinue ? "onExecutePostLogin, onContinuePostLogin" : "onExecutePostLogin";
  out.push(`${ctx.ruleFile} → ${ctx.outFile} (exports ${exports})`, "");
  out.push("Converted:", ...grouped(result.changes), "");
  if (result.notes.length > 0) out.push("Notes:", ...grouped(result.notes), "");

  const repairs = Object.entries(result.repairs).map(([kind, n]) => `${n} ${kind}`);
  const repaired = repairs.length > 0 ? ` (after behaviour-neutral repairs for untyped Rule code: ${repairs.join(", ")})` : "";
  if (result.typeProblems.length === 0) {
    out.push(`Type check (the project's strict tsconfig): ${result.todos.length === 0 ? "ok" : "ok apart from the MIGRATION_TODO_* markers"}${repaired}`, "");
  } else {
    out.push(`Type check (the project's strict tsconfig): ${result.typeProblems.length} error(s)${repaired}`);
    out.push(...result.typeProblems.map((p) => `  ${ctx.outFile}:${p.line}:${p.column}: TS${p.code}: ${p.message}`), "");
  }

  if (result.todos.length > 0) {
    out.push(`NOT CONVERTED: ${result.todos.length} construct(s) left as MIGRATION_TODO_* in ${ctx.outFile}:`);
    out.push(...result.todos.map((todo) => `  ${todo.line > 0 ? `line ${todo.line}` : "in the Action"}: ${todo.marker}: ${todo.message}`), "");
  }

  if (result.fullyConverted) {
    out.push("Tenant configuration: the Action's entry under `actions:` of each tenant file that should run it:");
    out.push(...indent(renderTenantSnippet(ctx.entry)));
    const secrets = Object.values(ctx.entry.secrets ?? {});
    if (secrets.length > 0) out.push(`Secret values come from the environment at plan/apply: ${secrets.map((s) => `TF_VAR_${s.env}`).join(", ")}.`);
    out.push(ctx.tenantOutcome ?? "Pass --tenant <tenant> to write it into tenants/<tenant>.yaml.");
  } else {
    out.push("Tenant configuration: not written until the Action converts fully (resolve the TODOs and type errors, then run again).");
  }
  return out.join("\n");
}

/** "lines 2, 4, 5: user → event.user", in order of first appearance. */
function grouped(entries: readonly ReportEntry[]): string[] {
  const byMessage = new Map<string, number[]>();
  for (const e of entries) byMessage.set(e.message, [...(byMessage.get(e.message) ?? []), e.line]);
  return [...byMessage.entries()].map(([message, lines]) => {
    const unique = [...new Set(lines)].filter((l) => l > 0);
    const where = unique.length === 0 ? "" : unique.length === 1 ? `line ${unique[0]}: ` : `lines ${unique.join(", ")}: `;
    return `  ${where}${message}`;
  });
}

function indent(text: string): string[] {
  return text
    .trimEnd()
    .split("\n")
    .map((l) => `  ${l}`);
}
