/**
 * What a synthesized stack declares, read from its Terraform JSON (the artifact, whatever the
 * tenant file's shape): each auth0_action with its stable id (the resource address), name,
 * trigger and the sha256 of the code exactly as Terraform sends it; and per trigger the binding
 * mode and the declared order.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { DeclaredFlow } from "./declared-flow";
import { unescapeTerraformTemplate } from "./template-escape";
import { UserFacingError } from "../errors";

export class ArtifactReadError extends UserFacingError {}

export interface DeclaredAction {
  /** "auth0_action.add_metadata_claims": stable across renames of the display name. */
  address: string;
  name: string;
  trigger: string;
  /** sha256 of the code Auth0 receives. */
  sha256: string;
  /** The Action Modules it is pinned to: each module's name and the sha256 of the code the artifact publishes. Absent: none. */
  modules?: DeclaredModulePin[];
}

export interface DeclaredModulePin {
  name: string;
  sha256: string;
}

export interface DeclaredStack {
  actions: DeclaredAction[];
  flows: DeclaredFlow[];
}

type Json = Record<string, unknown>;

/** String() of a synthesized attribute, whatever its JSON type. */
const stringOf = (value: unknown): string => String(value);

export function readDeclaredStack(stackDir: string): DeclaredStack {
  const file = join(stackDir, "cdk.tf.json");
  let json: Json;
  try {
    json = JSON.parse(readFileSync(file, "utf8")) as Json;
  } catch (error) {
    throw new ArtifactReadError(`cannot read the synthesized stack ${file}: ${(error as Error).message}`);
  }
  return declaredStack(json);
}

const ACTION_REF = /^\$\{auth0_action\.([A-Za-z0-9_-]+)\.id\}$/;
const MODULE_REF = /^\$\{auth0_action_module\.([A-Za-z0-9_-]+)\.id\}$/;

/** An Action's `modules` block, resolved to the modules the stack publishes. */
function modulePins(r: Json, modules: Record<string, Json>): DeclaredModulePin[] {
  const pins = Array.isArray(r.modules) ? (r.modules as Json[]) : [];
  return pins.flatMap((pin) => {
    const key = typeof pin.module_id === "string" ? MODULE_REF.exec(pin.module_id)?.[1] : undefined;
    const module = key === undefined ? undefined : modules[key];
    if (!module) return [];
    return [
      {
        name: unescapeTerraformTemplate(stringOf(module.name)),
        sha256: createHash("sha256")
          .update(unescapeTerraformTemplate(stringOf(module.code ?? "")))
          .digest("hex"),
      },
    ];
  });
}

export function declaredStack(json: Json): DeclaredStack {
  const resources = (json.resource ?? {}) as Record<string, Record<string, Json>>;
  const actions: DeclaredAction[] = Object.entries(resources.auth0_action ?? {}).map(([id, r]) => {
    const triggers = r.supported_triggers as Json | Json[] | undefined;
    const trigger = (Array.isArray(triggers) ? triggers[0]?.id : triggers?.id) as string | undefined;
    const modules = modulePins(r, resources.auth0_action_module ?? {});
    return {
      address: `auth0_action.${id}`,
      name: unescapeTerraformTemplate(String(r.name)),
      trigger: trigger ?? "post-login",
      sha256: createHash("sha256")
        .update(unescapeTerraformTemplate(stringOf(r.code ?? "")))
        .digest("hex"),
      ...(modules.length > 0 ? { modules } : {}),
    };
  });
  const ref = (value: unknown) => {
    const m = typeof value === "string" ? ACTION_REF.exec(value) : null;
    return m ? `auth0_action.${m[1]}` : undefined;
  };
  const flows: DeclaredFlow[] = [];
  for (const r of Object.values(resources.auth0_trigger_actions ?? {})) {
    const order = ((r.actions ?? []) as Json[]).map((a) => ref(a.id)).filter((a): a is string => a !== undefined);
    flows.push({ trigger: String(r.trigger), mode: "authoritative", order });
  }
  // append mode: one binding resource per Action; each depends on the previous one (declared order).
  const single = Object.entries(resources.auth0_trigger_action ?? {});
  for (const trigger of [...new Set(single.map(([, r]) => String(r.trigger)))].sort()) {
    const mine = single.filter(([, r]) => String(r.trigger) === trigger);
    const depth = (key: string, seen = new Set<string>()): number => {
      const deps = ((resources.auth0_trigger_action?.[key]?.depends_on ?? []) as string[])
        .map((d) => /^auth0_trigger_action\.(.+)$/.exec(d)?.[1])
        .filter((d): d is string => d !== undefined && !seen.has(d));
      return deps.length === 0 ? 0 : 1 + Math.max(...deps.map((d) => depth(d, new Set([...seen, key]))));
    };
    const ordered = mine
      .map(([key, r]) => ({ key, depth: depth(key), address: ref(r.action_id) }))
      .sort((a, b) => a.depth - b.depth || a.key.localeCompare(b.key));
    flows.push({ trigger, mode: "append", order: ordered.map((o) => o.address).filter((a): a is string => a !== undefined) });
  }
  return { actions, flows };
}
