/**
 * Writes an adoption's files all or nothing: a file that does not exist is created, one whose
 * content is already right is left untouched, and one that differs (a local edit, or the tenant
 * changed since the last adoption) stops the whole write unless `force` is given. Running adopt
 * twice on an unchanged tenant therefore changes no file.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface WriteOutcome {
  created: string[];
  updated: string[];
  unchanged: string[];
  /** Files that differ and were not overwritten (no force): nothing was written at all. */
  conflicts: string[];
}

/** `files`: repository-relative path → content. `mayUpdate`: paths adopt may change without force (it merges into them). */
export function writeFiles(
  root: string,
  files: Record<string, string>,
  options: { force?: boolean; mayUpdate?: ReadonlySet<string> } = {},
): WriteOutcome {
  const outcome: WriteOutcome = {
    created: [],
    updated: [],
    unchanged: [],
    conflicts: [],
  };
  const paths = Object.keys(files).sort();
  for (const path of paths) {
    const absolute = join(root, path);
    if (!existsSync(absolute)) outcome.created.push(path);
    else if (readFileSync(absolute, "utf8") === files[path]) outcome.unchanged.push(path);
    else if (options.force || options.mayUpdate?.has(path)) outcome.updated.push(path);
    else outcome.conflicts.push(path);
  }
  if (outcome.conflicts.length > 0) return { ...outcome, created: [], updated: [] };
  for (const path of [...outcome.created, ...outcome.updated]) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), files[path]);
  }
  return outcome;
}
