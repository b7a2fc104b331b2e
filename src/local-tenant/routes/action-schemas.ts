/**
 * The wire schemas of the Management API's Actions bodies (POST/PATCH /api/v2/actions/actions and
 * PATCH /api/v2/actions/triggers/{trigger}/bindings), checked by z-schema as Auth0 checks them (see
 * payload.ts), and the checks the schemas alone cannot express. TenantModel runs them first in each
 * operation, so a refusal reads the same whether it comes from a route or a seed file.
 */
import { AUTH0_LIMITS } from "../../auth0-facts";
import type { TriggerRef } from "../action-records";
import { ACCEPTED_TRIGGERS, RUNTIMES } from "../catalog";
import type { ModuleRef } from "../module-records";
import { payloadError, validatePayload, type Schema } from "../payload";
import type { Dependency } from "../record-types";

const TRIGGER_REF: Schema = {
  type: "object",
  properties: { id: { type: "string", enum: Object.keys(ACCEPTED_TRIGGERS) }, version: { type: "string", minLength: 1, maxLength: 10 } },
  required: ["id", "version"],
  additionalProperties: false,
};
const DEPENDENCY: Schema = {
  type: "object",
  properties: {
    name: { type: "string", minLength: 1, maxLength: 214 },
    version: { type: "string", minLength: 1, maxLength: 100 },
    registry_url: { type: "string" },
  },
  required: ["name", "version"],
  additionalProperties: false,
};
const SECRET: Schema = {
  type: "object",
  properties: {
    name: { type: "string", minLength: 1, maxLength: AUTH0_LIMITS.secretNameLength },
    value: { type: "string", minLength: 1, maxLength: AUTH0_LIMITS.secretValueLength },
  },
  required: ["name"],
  additionalProperties: false,
};
const MODULE_REF: Schema = {
  type: "object",
  properties: { module_id: { type: "string", minLength: 1 }, module_version_id: { type: "string", minLength: 1 } },
  required: ["module_id", "module_version_id"],
  additionalProperties: false,
};
const ACTION_PROPERTIES = {
  name: { type: "string", minLength: 1, maxLength: 100 },
  supported_triggers: { type: "array", items: TRIGGER_REF, minItems: 1, maxItems: 1 },
  code: { type: "string", maxLength: AUTH0_LIMITS.actionCodeSize },
  dependencies: { type: "array", items: DEPENDENCY, maxItems: AUTH0_LIMITS.dependenciesPerAction },
  runtime: { type: "string", enum: RUNTIMES },
  secrets: { type: "array", items: SECRET, maxItems: AUTH0_LIMITS.secretsPerAction },
  modules: { type: "array", items: MODULE_REF },
} as const satisfies Record<string, Schema>;

/** The body of POST /api/v2/actions/actions: what Auth0's schema allows, nothing more. */
export const ACTION_CREATE_BODY: Schema = {
  type: "object",
  properties: ACTION_PROPERTIES,
  required: ["name", "supported_triggers"],
  additionalProperties: false,
};
/** The body of PATCH /api/v2/actions/actions/{id}: the same fields, none required. */
export const ACTION_UPDATE_BODY: Schema = { type: "object", properties: ACTION_PROPERTIES, additionalProperties: false };

const BINDING: Schema = {
  type: "object",
  properties: {
    ref: {
      type: "object",
      properties: { type: { type: "string", enum: ["action_id", "action_name"] }, value: { type: "string", minLength: 1, maxLength: 200 } },
      required: ["type", "value"],
      additionalProperties: false,
    },
    display_name: { type: "string", minLength: 1, maxLength: 100 },
  },
  required: ["ref"],
  additionalProperties: false,
};
/** The body of PATCH /api/v2/actions/triggers/{trigger}/bindings. */
export const BINDINGS_BODY: Schema = {
  type: "object",
  properties: { bindings: { type: "array", items: BINDING } },
  required: ["bindings"],
  additionalProperties: false,
};

/** An Action body as it arrives, before any check. */
export interface ActionInput {
  name?: unknown;
  supported_triggers?: unknown;
  code?: unknown;
  runtime?: unknown;
  dependencies?: unknown;
  secrets?: unknown;
  modules?: unknown;
}

export interface BindingInput {
  ref: { type: "action_id" | "action_name"; value: string };
  display_name?: string;
}

/** A secret as a body sends it: without a value it keeps the stored one. */
export interface SecretInput {
  name: string;
  value?: string;
}

/** An Action body once checkActionBody has passed it. */
export interface ValidActionInput {
  name?: string;
  supported_triggers?: TriggerRef[];
  code?: string;
  runtime?: string;
  dependencies?: Array<Dependency & { registry_url?: string }>;
  secrets?: SecretInput[];
  modules?: ModuleRef[];
}

/** The schema first, then what the schema alone cannot say: each trigger's own versions, unique secret names. */
export function checkActionBody(body: unknown, schema: Schema): ValidActionInput {
  const input = validatePayload<ValidActionInput>(body, schema);
  input.supported_triggers?.forEach((t, i) =>
    validatePayload(t.version, { type: "string", enum: ACCEPTED_TRIGGERS[t.id] }, `supported_triggers[${i}].version`),
  );
  checkUniqueSecretNames(input.secrets);
  return input;
}

/** Auth0 refuses two secrets of one name in a body, in z-schema's words for a repeated array item. */
export function checkUniqueSecretNames(secrets: readonly SecretInput[] | undefined): void {
  const seen = new Set<string>();
  secrets?.forEach((secret, i) => {
    if (seen.has(secret.name))
      throw payloadError(`Array items are not unique (secret name ${JSON.stringify(secret.name)})`, `secrets[${i}].name`);
    seen.add(secret.name);
  });
}
