/**
 * Auth0's request-body validation for the Management API: JSON schemas checked by z-schema, the
 * validator Auth0's API uses, so the messages are z-schema's own, wrapped as Auth0 wraps them:
 *   Payload validation error: 'Additional properties not allowed: foo'.
 *   Payload validation error: 'String is too long (102401 chars), maximum 102400' on property code.
 * (Both shapes appear in recorded real traffic; Auth0 also appends the field's description in
 * parentheses after the property, which is not reproduced here.) Auth0 reports the first problem only.
 */
import ZSchema from "z-schema";
import { TenantError } from "./errors";

/** The JSON-schema (draft-04) subset the Management API bodies need; objects are closed, as Auth0's are. */
export type Schema =
  | { type: "string"; minLength?: number; maxLength?: number; enum?: readonly string[] }
  | { type: "boolean" }
  | { type: "array"; items: Schema; minItems?: number; maxItems?: number }
  | { type: "object"; properties: Readonly<Record<string, Schema>>; required?: readonly string[]; additionalProperties: false };

const validator = new ZSchema({ breakOnFirstError: true, reportPathAsArray: true });
const checkedSchemas = new WeakSet<Schema>();

/**
 * Throws Auth0's 400 for the first problem of `value` against `schema`; returns the value typed as the
 * caller expects. `at` is where `value` sits in the request body when it is a part of it.
 */
export function validatePayload<T>(value: unknown, schema: Schema, at = ""): T {
  assertSchema(schema);
  // Validated as it travels on the wire: a property set to undefined is an absent property.
  if (!validator.validate(value === undefined ? value : JSON.parse(JSON.stringify(value)), schema)) {
    const first = validator.getLastErrors()?.[0];
    if (!first) throw new Error("z-schema rejected the payload without saying why");
    throw payloadError(first.message, joinPath(at, first.path));
  }
  return value as T;
}

export function payloadError(message: string, path = ""): TenantError {
  return new TenantError(400, "invalid_body", `Payload validation error: '${message}'${path ? ` on property ${path}` : ""}.`);
}

/** A broken schema is the emulator's bug, never the caller's 400. */
function assertSchema(schema: Schema): void {
  if (checkedSchemas.has(schema)) return;
  if (!validator.validateSchema(schema)) {
    throw new Error(`invalid payload schema: ${JSON.stringify(validator.getLastErrors())}`);
  }
  checkedSchemas.add(schema);
}

/** z-schema's path (an array with reportPathAsArray, whatever its typings say) in Auth0's notation: supported_triggers[0].id. */
function joinPath(at: string, path: unknown): string {
  const segments: unknown[] = Array.isArray(path) ? path : [];
  return segments.reduce<string>(
    (out, segment) => (typeof segment === "number" ? `${out}[${segment}]` : out ? `${out}.${String(segment)}` : String(segment)),
    at,
  );
}
