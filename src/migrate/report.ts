/**
 * The text `npm run migrate-rule` prints: what changed (grouped by message, with Rule lines),
 * what is left as MIGRATION_TODO_*, the type check, and the tenant-file entry the Action needs.
 */
import type { MigrationResult } from "./migrate-rule";
import { grouped, indent, typeCheckSection } from "./report-sections";
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

  out.push(...typeCheckSection(result, ctx.outFile, "Rule"));

  if (result.todos.length > 0) {
    out.push(`NOT CONVERTED: ${result.todos.length} construct(s) left as MIGRATION_TODO_* in ${ctx.outFile}:`);
    out.push(
      ...result.todos.map((todo) => `  ${todo.line > 0 ? `line ${todo.line}` : "in the Action"}: ${todo.marker}: ${todo.message}`),
      "",
    );
  }

  if (result.fullyConverted) {
    out.push("Tenant configuration: the Action's entry under `actions:` of each tenant file that should run it:");
    out.push(...indent(renderTenantSnippet(ctx.entry)));
    const secrets = Object.values(ctx.entry.secrets ?? {});
    if (secrets.length > 0)
      out.push(`Secret values come from the environment at plan/apply: ${secrets.map((s) => `TF_VAR_${s.env}`).join(", ")}.`);
    out.push(ctx.tenantOutcome ?? "Pass --tenant <tenant> to write it into tenants/<tenant>.yaml.");
  } else {
    out.push("Tenant configuration: not written until the Action converts fully (resolve the TODOs and type errors, then run again).");
  }
  return out.join("\n");
}
