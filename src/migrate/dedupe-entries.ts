import type { ReportEntry } from "./conversion";

/** Statements converted more than once (e.g. shared by two entry points) are reported once. Sorted by line. */
export function dedupeEntries<T extends ReportEntry>(entries: T[]): T[] {
  const seen = new Set<string>();
  return entries
    .filter((e) => {
      const key = JSON.stringify(e);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.line - b.line);
}
