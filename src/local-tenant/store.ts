/**
 * Files of the local tenant's state directory, written atomically: a reader (or a tenant killed
 * mid-write and started again) sees either the old file or the new one, never half of each.
 * The trick is the usual one: write a temporary file next to the target, fsync it, rename it over
 * the target (rename is atomic within one file system), then fsync the directory.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { UserFacingError } from "../errors";

export class StateFileError extends UserFacingError {}

/** Writes `text` to `file` atomically. `mode` 0o600 keeps keys and the tenant database private to the user. */
export function writeFileAtomic(file: string, text: string, mode = 0o600): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(temp, "w", mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, file);
  } catch (error) {
    if (existsSync(temp)) unlinkSync(temp);
    throw error;
  }
  syncDirectory(dir);
}

/** Reads a JSON file written by writeJsonAtomic; undefined when it does not exist yet. */
export function readJsonFile<T>(file: string): T | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8");
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new StateFileError(`${file}: not valid JSON (${(error as Error).message}); delete the file to start the local tenant afresh`);
  }
}

/** Stable formatting (two-space indent, trailing newline) so state files diff cleanly. */
export function writeJsonAtomic(file: string, value: unknown, mode = 0o600): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, mode);
}

/**
 * Keeps one JSON document on disk. `save` is synchronous on purpose: the wire layer answers a
 * request only after its change is durable, so a tenant killed right after answering loses nothing
 * the client was told had happened.
 */
export class JsonStore<T> {
  constructor(readonly file: string) {}

  load(): T | undefined {
    return readJsonFile<T>(this.file);
  }

  save(value: T): void {
    writeJsonAtomic(this.file, value);
  }
}

function syncDirectory(dir: string): void {
  // Makes the rename itself durable. Some file systems refuse fsync on a directory: that only
  // weakens durability on power loss, not atomicity, so it is not an error.
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    /* see above */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
