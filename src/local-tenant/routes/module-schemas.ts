/**
 * The wire schemas of the Management API's Action Module bodies (POST/PATCH
 * /api/v2/actions/modules), checked by z-schema as Auth0 checks them (see payload.ts), and the
 * check the schemas alone cannot express. TenantModel runs them first in each module operation.
 */
import { validatePayload, type Schema } from "../payload";
import type { Dependency } from "../record-types";
import { checkUniqueSecretNames, type SecretInput } from "./action-schemas";

/** Auth0's documented limits of the module endpoints. */
export const MODULE_LIMITS = { nameLength: 255, codeLength: 65536, secretValueLength: 4096, dependencyVersionLength: 50 };

const MODULE_DEPENDENCY: Schema = {
  type: "object",
  properties: {
    name: { type: "string", minLength: 1, maxLength: 255 },
    version: { type: "string", minLength: 1, maxLength: MODULE_LIMITS.dependencyVersionLength },
  },
  required: ["name", "version"],
  additionalProperties: false,
};
const MODULE_SECRET: Schema = {
  type: "object",
  properties: {
    name: { type: "string", minLength: 1, maxLength: 255 },
    value: { type: "string", maxLength: MODULE_LIMITS.secretValueLength },
  },
  required: ["name"],
  additionalProperties: false,
};
const MODULE_PROPERTIES = {
  code: { type: "string", maxLength: MODULE_LIMITS.codeLength },
  secrets: { type: "array", items: MODULE_SECRET },
  dependencies: { type: "array", items: MODULE_DEPENDENCY },
} as const satisfies Record<string, Schema>;

/** The body of POST /api/v2/actions/modules. */
export const MODULE_CREATE_BODY: Schema = {
  type: "object",
  properties: {
    name: { type: "string", minLength: 1, maxLength: MODULE_LIMITS.nameLength },
    ...MODULE_PROPERTIES,
    api_version: { type: "string", maxLength: 20 },
    publish: { type: "boolean" },
  },
  required: ["name", "code"],
  additionalProperties: false,
};
/** The body of PATCH /api/v2/actions/modules/{id}: the draft's fields, none required. */
export const MODULE_UPDATE_BODY: Schema = { type: "object", properties: MODULE_PROPERTIES, additionalProperties: false };

/** A module body once checkModuleBody has passed it. */
export interface ModuleInput {
  name?: string;
  code?: string;
  secrets?: SecretInput[];
  dependencies?: Dependency[];
  publish?: boolean;
}

/** The schema first, then unique secret names (which the schema alone cannot say). */
export function checkModuleBody(body: unknown, schema: Schema): ModuleInput {
  const input = validatePayload<ModuleInput>(body, schema);
  checkUniqueSecretNames(input.secrets);
  return input;
}
