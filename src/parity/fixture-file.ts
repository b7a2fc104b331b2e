/**
 * What Rule and Hook parity fixture files share: canned HTTP exchanges, reading the JSON, and
 * zod issues turned into "<file>: <field>: <problem>" lines.
 */
import { readFileSync } from "node:fs";
import { z, type ZodIssue } from "zod";

/** A canned answer for one outgoing HTTP call. */
export const httpExchangeSchema = z
  .object({
    method: z
      .string()
      .transform((m) => m.toUpperCase())
      .default("GET"),
    url: z.string().url(),
    status: z.number().int().min(100).max(599).default(200),
    body: z.unknown().optional(),
    /** A network failure instead of a response (e.g. "ETIMEDOUT"). */
    error: z.string().optional(),
  })
  .strict();

/** The parsed JSON of `file`; a missing file or bad JSON becomes `toError("<file>: …")`. */
export function readFixtureJson(file: string, toError: (message: string) => Error): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw toError(
      `${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "fixture file not found" : `not valid JSON: ${(error as Error).message}`}`,
    );
  }
}

/** Where in the file an issue is: `fixtures[0].user.user_id`, or "(file)". */
export function issuePath(issue: ZodIssue): string {
  return issue.path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("") || "(file)";
}

/** The problem in words; `unknownFieldsHint` follows the list of unknown fields. */
export function describeIssue(issue: ZodIssue, unknownFieldsHint: string): string {
  if (issue.code === "unrecognized_keys") return `unknown field(s) ${issue.keys.join(", ")}; ${unknownFieldsHint}`;
  if (issue.code === "invalid_type")
    return issue.received === "undefined" ? `is required (${issue.expected})` : `must be ${issue.expected}, not ${issue.received}`;
  return issue.message;
}
