/**
 * Reads a fixture directory of the local tenant (users, clients): every *.json in name order,
 * each checked against a schema. Broken files do not stop the others: each problem is one line
 * naming the file and the field, so one run lists everything to fix.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { z } from "zod";

export interface FixtureEntry<T> {
  /** The file name without .json (e.g. the login name of a user fixture). */
  name: string;
  /** The file as messages show it: relative to the working directory. */
  file: string;
  data: T;
}

export interface FixtureDirOptions {
  /** The message when `dir` cannot be listed (after "<dir>: "). */
  missing: string;
  /** Appended to "unknown field(s) …" as "; allowed: …" when given. */
  allowedFields?: readonly string[];
  /** The error thrown when the directory is missing. */
  toError(message: string): Error;
}

export function readFixtureDir<S extends z.ZodTypeAny>(
  dir: string,
  schema: S,
  options: FixtureDirOptions,
): { entries: Array<FixtureEntry<z.infer<S>>>; problems: string[] } {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort();
  } catch {
    throw options.toError(`${dir}: ${options.missing}`);
  }
  const problems: string[] = [];
  const entries: Array<FixtureEntry<z.infer<S>>> = [];
  const allowed = options.allowedFields ? `; allowed: ${options.allowedFields.join(", ")}` : "";
  for (const entry of names) {
    const file = relative(process.cwd(), join(dir, entry)) || entry;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(dir, entry), "utf8"));
    } catch (error) {
      problems.push(`${file}: not valid JSON (${(error as Error).message})`);
      continue;
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      problems.push(
        ...parsed.error.issues.map(
          (i) =>
            `${file}: ${i.path.join(".") || "(file)"}: ${i.code === "unrecognized_keys" ? `unknown field(s) ${i.keys.join(", ")}${allowed}` : i.message}`,
        ),
      );
      continue;
    }
    entries.push({ name: entry.replace(/\.json$/, ""), file, data: parsed.data as z.infer<S> });
  }
  return { entries, problems };
}
