/**
 * Names that come from a tenant (Action, Rule and Hook names) are data, never paths: this is the
 * one place that turns such a name into a file under a fixed directory. The file name is kebab-case
 * ASCII (it doubles as a handler name, see HANDLER_NAME), bounded in length, never a name Windows
 * reserves, and never empty; names that lose information on the way keep a short hash of the
 * original, so two different names do not silently become the same file.
 */
import { createHash } from "node:crypto";
import { isAbsolute, posix } from "node:path";
import { UserFacingError } from "./errors";
import { HANDLER_NAME } from "./names";

export class UnsafePathError extends UserFacingError {}

/** Longest stem made from a name; longer ones are cut and get "-<hash>" (64 characters in all). */
export const MAX_STEM_LENGTH = 64;
/** Longest stem accepted as it is when it is already safe: room for a caller's "-rule-12" after MAX_STEM_LENGTH. */
const MAX_SAFE_STEM_LENGTH = 80;
const KEPT_PREFIX = MAX_STEM_LENGTH - 9;
const HASH_LENGTH = 8;

/** Device names Windows refuses as file names, with or without an extension (compared case-insensitively). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;

/** A directory a tenant name may be placed in: repository-relative segments, no "." or "..". */
const BASE_SEGMENT = /^[a-z0-9][a-z0-9._-]*$/;

/** Short, stable digest of the untrusted name (not a secret: for uniqueness only). */
function shortHash(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex").slice(0, HASH_LENGTH);
}

/**
 * "Notify SIEM on login" → "notify-siem-on-login"; "../../etc/passwd" → "etc-passwd"; "Übersicht" →
 * "ubersicht"; "日本語" → "item-<hash>"; "CON" → "con-item". Idempotent on its own output, so a caller
 * may append "-2" to a stem and pass it through again.
 */
export function safeFileStem(untrusted: string): string {
  const stem = untrusted
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "") // combining marks: "Ü" → "U"
    .replace(/([a-z])([A-Z])/g, "$1-$2") // camelCase splits; "M2M" stays one word
    .replace(/[^A-Za-z0-9]+/g, "-") // separators, dots, NUL, anything else: one dash
    .replace(/^-+|-+$/g, "")
    .toLowerCase();
  if (stem === "") return `item-${shortHash(untrusted)}`;
  if (WINDOWS_RESERVED.test(stem)) return `${stem}-item`;
  const alreadySafe = stem === untrusted && stem.length <= MAX_SAFE_STEM_LENGTH;
  if (stem.length > MAX_STEM_LENGTH && !alreadySafe) return `${stem.slice(0, KEPT_PREFIX).replace(/-+$/, "")}-${shortHash(untrusted)}`;
  return stem;
}

/**
 * `baseDir/<safe stem of untrustedName><ext>`, repository-relative with "/" separators. `baseDir` is
 * the caller's fixed directory (e.g. "actions/post-login"): it is checked, not sanitized, because a
 * bad one is a bug or an unchecked tenant value upstream.
 */
export function tenantPath(baseDir: string, untrustedName: string, ext: string): string {
  const segments = baseDir.split("/");
  if (isAbsolute(baseDir) || baseDir.includes("\\") || segments.some((s) => !BASE_SEGMENT.test(s) || s === "." || s === ".."))
    throw new UnsafePathError(`"${baseDir}" is not a repository directory a tenant's files may be written to`);
  if (!/^(\.[a-z0-9]+)+$/.test(ext)) throw new UnsafePathError(`"${ext}" is not a file extension`);
  const stem = safeFileStem(untrustedName);
  // Guaranteed by safeFileStem; checked again because everything downstream relies on it.
  if (!HANDLER_NAME.test(stem)) throw new UnsafePathError(`cannot make a safe file name of ${JSON.stringify(untrustedName)}`);
  const path = posix.join(baseDir, `${stem}${ext}`);
  if (posix.dirname(path) !== posix.normalize(baseDir))
    throw new UnsafePathError(`cannot make a safe file name of ${JSON.stringify(untrustedName)}`);
  return path;
}
