import type { ReportEntry, TodoEntry } from "./conversion";
import type { TypeProblem } from "./type-check";

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
