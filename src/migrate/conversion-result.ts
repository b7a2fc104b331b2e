import type { Conversion, ReportEntry, TodoEntry } from "./conversion";
import { dedupeEntries } from "./dedupe-entries";
import type { CheckResult, TypeProblem } from "./type-check";

/** What converting a Rule or a Hook into an Action gives, whichever the source was. */
export interface ConversionResult {
  handler: string;
  /** The Action's TypeScript source, formatted. */
  code: string;
  changes: ReportEntry[];
  /** Constructs left as MIGRATION_TODO_* in the output. */
  todos: TodoEntry[];
  notes: ReportEntry[];
  /** Type errors other than the TODO markers' (should be none when the conversion is complete). */
  typeProblems: TypeProblem[];
  /** Behaviour-neutral type repairs, counted by kind. */
  repairs: Record<string, number>;
  /** npm dependencies, name → exact version, sorted by name. */
  dependencies: Record<string, string>;
  /** No TODO and no type error: ready to deploy once parity passes. */
  fullyConverted: boolean;
}

/**
 * The parts of a result both converters fill the same way: the checked code, entries reported
 * once each in line order, dependencies sorted by name, and whether the conversion is complete.
 */
export function conversionResult(handler: string, conv: Conversion, todos: TodoEntry[], checked: CheckResult): ConversionResult {
  return {
    handler,
    code: checked.code,
    changes: dedupeEntries(conv.changes),
    todos,
    notes: dedupeEntries(conv.notes),
    typeProblems: checked.problems,
    repairs: checked.repairs,
    dependencies: Object.fromEntries([...conv.dependencies.entries()].sort(([a], [b]) => a.localeCompare(b))),
    fullyConverted: todos.length === 0 && checked.problems.length === 0,
  };
}
