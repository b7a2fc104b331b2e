/**
 * Values as a review may show them: plan values with every sensitive part, write-only attribute
 * and unknown replaced by a placeholder. This is the only way a plan value reaches a review, so a
 * secret cannot reach Markdown by accident.
 */
import type { ValueMask } from "../terraform/plan-json";

export type Placeholder = {
  readonly placeholder: "sensitive" | "write-only" | "unknown";
  /** For unknown values: the attribute they are computed from, e.g. "auth0_action.add_metadata_claims.id". */
  readonly from?: string;
};
export type Shown = null | boolean | number | string | Placeholder | Shown[] | { [key: string]: Shown };

export const SENSITIVE: Placeholder = Object.freeze({ placeholder: "sensitive" });
export const WRITE_ONLY: Placeholder = Object.freeze({ placeholder: "write-only" });
export const UNKNOWN: Placeholder = Object.freeze({ placeholder: "unknown" });

export function isPlaceholder(value: unknown): value is Placeholder {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "placeholder" in value;
}

/** Part of a mask: `mask[key]`, or the whole mask when it is a boolean (it covers everything below). */
export function maskAt(mask: ValueMask | undefined, key: string | number): ValueMask | undefined {
  if (mask === undefined || typeof mask === "boolean") return mask;
  return Array.isArray(mask) ? mask[key as number] : (mask as Record<string, ValueMask>)[key as string];
}

/**
 * `value` with sensitive parts hidden. Terraform stores write-only attributes as null and marks
 * them sensitive, so "sensitive and null" is reported as write-only, "sensitive" as sensitive.
 */
export function showValue(value: unknown, sensitive: ValueMask | undefined, unknown?: ValueMask): Shown {
  if (unknown === true) return UNKNOWN;
  if (sensitive === true) return value === null || value === undefined ? WRITE_ONLY : SENSITIVE;
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v, i) => showValue(v, maskAt(sensitive, i), maskAt(unknown, i)));
  if (typeof value === "object") {
    const out: Record<string, Shown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = showValue(v, maskAt(sensitive, k), maskAt(unknown, k));
    // Attributes known only after apply are absent from `after`; the unknown mask names them.
    if (unknown && typeof unknown === "object" && !Array.isArray(unknown)) {
      for (const [k, m] of Object.entries(unknown)) if (m === true && !(k in out)) out[k] = UNKNOWN;
    }
    return out;
  }
  if (typeof value === "boolean" || typeof value === "number" || typeof value === "string") return value;
  return stringOf(value);
}

/** String() of what is left (not JSON, so not in a plan; kept total rather than throwing). */
const stringOf = (value: unknown): string => String(value);

/** Structural equality of plain JSON values. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
