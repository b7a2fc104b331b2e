/**
 * Terraform state files (format version 4) crafted for tests: what a previous apply would have
 * recorded, with attributes as the auth0 provider 1.54.1 stores them (schema version 0 for
 * auth0_action, auth0_trigger_action and auth0_trigger_actions).
 */
import { writeFileSync } from "node:fs";

const PROVIDER = 'provider["registry.terraform.io/auth0/auth0"]';

export interface StateResource {
  type: string;
  name: string;
  attributes: Record<string, unknown>;
  /** Paths Terraform records as sensitive; a mismatch with the schema alone makes Terraform plan an update. */
  sensitivePaths?: Array<Array<string | number>>;
}

/** A path in state v4's `sensitive_attributes` notation. */
function statePath(path: Array<string | number>): unknown[] {
  return path.map((step) =>
    typeof step === "number" ? { type: "index", value: { value: step, type: "number" } } : { type: "get_attr", value: step },
  );
}

/** An output value as state records it: a string, or an object of them (nested, as action_code_sha256 is). */
type OutputValue = string | { [key: string]: OutputValue };

/** Terraform's type expression for a value of strings and objects. */
function outputType(value: OutputValue): unknown {
  return typeof value === "string" ? "string" : ["object", Object.fromEntries(Object.entries(value).map(([k, v]) => [k, outputType(v)]))];
}

export function writeState(file: string, resources: StateResource[], outputs: Record<string, { [key: string]: OutputValue }> = {}): void {
  const state = {
    version: 4,
    terraform_version: "1.11.4",
    serial: 7,
    lineage: "8a3c1f0e-5d2b-4c47-9e61-0b7f2d9a4c11",
    outputs: Object.fromEntries(Object.entries(outputs).map(([name, value]) => [name, { value, type: outputType(value) }])),
    resources: resources.map((r) => ({
      mode: "managed",
      type: r.type,
      name: r.name,
      provider: PROVIDER,
      instances: [{ schema_version: 0, attributes: r.attributes, sensitive_attributes: (r.sensitivePaths ?? []).map(statePath) }],
    })),
    check_results: null,
  };
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
}

export interface ActionState {
  id: string;
  name: string;
  code: string;
  runtime?: string;
  secretNames?: string[];
  secretsWoVersion?: number;
}

/** An auth0_action as recorded after an apply: write-only secret values are stored as null. */
export function actionResource(resourceName: string, a: ActionState): StateResource {
  return {
    type: "auth0_action",
    name: resourceName,
    attributes: {
      code: a.code,
      dependencies: [],
      deploy: true,
      id: a.id,
      modules: [],
      name: a.name,
      runtime: a.runtime ?? "node22",
      secrets: [],
      secrets_wo: (a.secretNames ?? []).map((name) => ({ name, value: null })),
      secrets_wo_version: a.secretsWoVersion ?? null,
      supported_triggers: [{ id: "post-login", version: "v3" }],
      timeouts: null,
      version_id: `ver_${a.id}`,
    },
    // secrets_wo[].value is sensitive in the provider's schema; an apply records it so.
    sensitivePaths: (a.secretNames ?? []).map((_, i) => ["secrets_wo", i, "value"]),
  };
}

export function bindingResource(resourceName: string, actionId: string, displayName: string): StateResource {
  return {
    type: "auth0_trigger_action",
    name: resourceName,
    attributes: { action_id: actionId, display_name: displayName, id: `post-login::${actionId}`, trigger: "post-login" },
  };
}

export function flowResource(resourceName: string, bindings: Array<{ id: string; display_name: string }>): StateResource {
  return { type: "auth0_trigger_actions", name: resourceName, attributes: { actions: bindings, id: "post-login", trigger: "post-login" } };
}
