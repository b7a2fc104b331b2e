/**
 * Writes an adoption's files all or nothing: a file that does not exist is created, one whose
 * content is already right is left untouched, and one that differs (a local edit, or the tenant
 * changed since the last adoption) stops the whole write unless `force` is given. Running adopt
 * twice on an unchanged tenant therefore changes no file.
 *
 * Every path is checked before anything is written, with or without `force`: it must resolve, after
 * following symbolic links, inside one of the folders adopt owns (ADOPT_FOLDERS) of `root`.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { UserFacingError } from "../errors";

/** The top-level folders of the repository adopt writes into. */
export const ADOPT_FOLDERS = ["actions", "rules", "hooks", "tenants", "adopt"] as const;

export class UnsafeWriteError extends UserFacingError {}

export interface WriteOutcome {
  created: string[];
  updated: string[];
  unchanged: string[];
  /** Files that differ and were not overwritten (no force): nothing was written at all. */
  conflicts: string[];
}

/** Whether `child` is `parent` or below it (both absolute and resolved). */
function within(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/** Whether something (a file, folder or link, even a dangling one) is at `path`. */
function occupied(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Throws unless `path` (repository-relative) ends up inside one of ADOPT_FOLDERS of `root`, links followed. */
export function checkWritePath(root: string, path: string): void {
  const refuse = (why: string) =>
    new UnsafeWriteError(
      `refusing to write ${JSON.stringify(path)}: ${why}; adopt writes only under ${ADOPT_FOLDERS.map((f) => `${f}/`).join(", ")} of the repository`,
    );
  if (path.includes("\0")) throw refuse("the path contains a NUL character");
  if (isAbsolute(path) || path.includes("\\")) throw refuse("not a relative path with / separators");
  const segments = path.split("/");
  if (
    !(ADOPT_FOLDERS as readonly string[]).includes(segments[0]) ||
    segments.length < 2 ||
    segments.some((s) => s === "" || s === "." || s === "..")
  )
    throw refuse("outside the folders adopt owns");
  const realRoot = realpathSync(root);
  const allowed = join(realRoot, segments[0]);
  const absolute = resolve(realRoot, path);
  if (!within(allowed, absolute) || absolute === allowed) throw refuse("outside the folders adopt owns");
  // A symbolic link on the way (the top folder, a folder below it, or the file itself) must not lead
  // out: the deepest part of the path that exists is resolved and must still be inside.
  let existing = dirname(absolute);
  while (!occupied(existing)) existing = dirname(existing);
  let real: string;
  try {
    real = realpathSync(existing);
  } catch {
    throw refuse(`${relative(realRoot, existing)} is a link to nothing`);
  }
  const inside = within(allowed, real) || (existing === realRoot && !occupied(allowed));
  if (!inside) throw refuse(`${relative(realRoot, existing) || "."} is a link leading outside`);
  if (occupied(absolute) && lstatSync(absolute).isSymbolicLink()) throw refuse("the file is a symbolic link");
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
  // All paths first: one bad path means nothing is written.
  for (const path of paths) checkWritePath(root, path);
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
