/**
 * Sections of the text both migrate commands print: report entries grouped by message, and the
 * result of type-checking the written Action.
 */
import type { ReportEntry } from "./conversion";
import type { ConversionResult } from "./conversion-result";

/** "lines 2, 4, 5: user → event.user", in order of first appearance. */
export function grouped(entries: readonly ReportEntry[]): string[] {
  const byMessage = new Map<string, number[]>();
  for (const e of entries) byMessage.set(e.message, [...(byMessage.get(e.message) ?? []), e.line]);
  return [...byMessage.entries()].map(([message, lines]) => {
    const unique = [...new Set(lines)].filter((l) => l > 0);
    const where = unique.length === 0 ? "" : unique.length === 1 ? `line ${unique[0]}: ` : `lines ${unique.join(", ")}: `;
    return `  ${where}${message}`;
  });
}

export type TypeCheckOutcome = Pick<ConversionResult, "typeProblems" | "todos" | "repairs">;

/** The type-check lines, followed by a blank line; `what` names the converted code ("Rule", "Hook"). */
export function typeCheckSection(result: TypeCheckOutcome, outFile: string, what: string): string[] {
  const repairs = Object.entries(result.repairs).map(([kind, n]) => `${n} ${kind}`);
  const repaired = repairs.length > 0 ? ` (after behaviour-neutral repairs for untyped ${what} code: ${repairs.join(", ")})` : "";
  if (result.typeProblems.length === 0)
    return [
      `Type check (the project's strict tsconfig): ${result.todos.length === 0 ? "ok" : "ok apart from the MIGRATION_TODO_* markers"}${repaired}`,
      "",
    ];
  return [
    `Type check (the project's strict tsconfig): ${result.typeProblems.length} error(s)${repaired}`,
    ...result.typeProblems.map((p) => `  ${outFile}:${p.line}:${p.column}: TS${p.code}: ${p.message}`),
    "",
  ];
}

/** Each line of `text` indented by two spaces (trailing newlines dropped). */
export function indent(text: string): string[] {
  return text
    .trimEnd()
    .split("\n")
    .map((l) => `  ${l}`);
}
