/**
 * Action Modules in the local tenant's state: the records, and the request bodies Auth0's
 * Management API accepts for them (POST/PATCH /api/v2/actions/modules). The rules that need the
 * whole tenant (a module in use cannot be deleted) are TenantModel's.
 */
import type { Dependency, StoredSecret } from "./record-types";
import type { Schema } from "./payload";

/** An Action's pin on one published module version (auth0_action `modules`). */
export interface ModuleRef {
  module_id: string;
  module_version_id: string;
}

export interface ModuleVersionRecord {
  id: string;
  version_number: number;
  code: string;
  dependencies: Dependency[];
  secrets: StoredSecret[];
  created_at: string;
}

export interface ModuleRecord {
  id: string;
  name: string;
  /** The draft: what the next publish makes a version of. */
  code: string;
  dependencies: Dependency[];
  secrets: StoredSecret[];
  created_at: string;
  updated_at: string;
  /** Ascending by number; immutable once published. */
  versions: ModuleVersionRecord[];
}

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
export const MODULE_UPDATE_BODY: Schema = { type: "object", properties: MODULE_PROPERTIES, additionalProperties: false };

export interface ModuleInput {
  name?: string;
  code?: string;
  secrets?: Array<{ name: string; value?: string }>;
  dependencies?: Dependency[];
  publish?: boolean;
}
