/**
 * Auth0's request-body validation for the Management API: a small JSON-schema check whose
 * messages are those Auth0's validator (z-schema) produces, wrapped as Auth0 wraps them:
 *   Payload validation error: 'Additional properties not allowed: foo'.
 *   Payload validation error: 'String is too long (102401 chars), maximum 102400' on property code.
 * (Both shapes appear in recorded real traffic; Auth0 also appends the field's description in
 * parentheses after the property, which is not reproduced here.)
 */
import { TenantError } from "./errors";

export type Schema =
  | { type: "string"; minLength?: number; maxLength?: number; enum?: readonly string[] }
  | { type: "boolean" }
  | { type: "array"; items: Schema; minItems?: number; maxItems?: number }
  | { type: "object"; properties: Readonly<Record<string, Schema>>; required?: readonly string[] };

/** Throws Auth0's 400 for the first problem of `value` against `schema`; returns the value typed as the caller expects. */
export function validatePayload<T>(value: unknown, schema: Schema): T {
  const problem = check(value, schema, "");
  if (problem) throw payloadError(problem.message, problem.path);
  return value as T;
}

export function payloadError(message: string, path = ""): TenantError {
  return new TenantError(400, "invalid_body", `Payload validation error: '${message}'${path ? ` on property ${path}` : ""}.`);
}

interface Problem {
  message: string;
  path: string;
}

function check(value: unknown, schema: Schema, path: string): Problem | undefined {
  const found = typeOf(value);
  if (found !== schema.type) return { message: `Expected type ${schema.type} but found type ${found}`, path };
  switch (schema.type) {
    case "string": {
      const text = value as string;
      if (schema.enum && !schema.enum.includes(text)) return { message: `No enum match for: ${JSON.stringify(text)}`, path };
      if (schema.minLength !== undefined && text.length < schema.minLength)
        return { message: `String is too short (${text.length} chars), minimum ${schema.minLength}`, path };
      if (schema.maxLength !== undefined && text.length > schema.maxLength)
        return { message: `String is too long (${text.length} chars), maximum ${schema.maxLength}`, path };
      return undefined;
    }
    case "boolean":
      return undefined;
    case "array": {
      const list = value as unknown[];
      if (schema.minItems !== undefined && list.length < schema.minItems)
        return { message: `Array is too short (${list.length}), minimum ${schema.minItems}`, path };
      if (schema.maxItems !== undefined && list.length > schema.maxItems)
        return { message: `Array is too long (${list.length}), maximum ${schema.maxItems}`, path };
      for (let i = 0; i < list.length; i++) {
        const problem = check(list[i], schema.items, `${path}[${i}]`);
        if (problem) return problem;
      }
      return undefined;
    }
    case "object": {
      const object = value as Record<string, unknown>;
      // Own keys only, compared with Object.hasOwn: "__proto__" or "constructor" are just unknown names.
      const extra = Object.keys(object).filter((key) => !Object.hasOwn(schema.properties, key));
      if (extra.length > 0) return { message: `Additional properties not allowed: ${extra.join(",")}`, path };
      for (const key of schema.required ?? []) {
        if (!Object.hasOwn(object, key) || object[key] === undefined) return { message: `Missing required property: ${key}`, path };
      }
      for (const [key, child] of Object.entries(schema.properties)) {
        if (!Object.hasOwn(object, key) || object[key] === undefined) continue;
        const problem = check(object[key], child, path ? `${path}.${key}` : key);
        if (problem) return problem;
      }
      return undefined;
    }
  }
}

/** JSON-schema type names, as the validator reports them. */
function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}
