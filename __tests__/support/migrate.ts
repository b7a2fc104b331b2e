/** Helpers for the migration tests: convert a Rule from a string, bundle and run converted code. */
import { migrateRule, type MigrationResult } from "../../src/migrate/migrate-rule";
import type { ConversionOptions } from "../../src/migrate/conversion";

export function convert(source: string, options: ConversionOptions = {}, handler = "converted-rule"): Promise<MigrationResult> {
  return migrateRule({ source, ruleFile: "rules/test-rule.js", handler, options });
}

/** The body of onExecutePostLogin, without the file's header and helpers, for focused expectations. */
export function handlerBody(code: string, entry = "onExecutePostLogin"): string {
  const start = code.indexOf(`export const ${entry}`);
  if (start < 0) throw new Error(`no ${entry} in:\n${code}`);
  const end = code.indexOf("\n};", start);
  return code.slice(code.indexOf("\n", start) + 1, end);
}

/** Marker names of a result's TODOs, sorted and unique. */
export function todoMarkers(result: MigrationResult): string[] {
  return [...new Set(result.todos.map((t) => t.marker))].sort();
}
