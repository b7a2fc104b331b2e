/**
 * The promotion rule for Action Modules, next to the one for Actions (promotion-gate.ts): every
 * module the artifact deploys to `to` must *run* in `from` with the same code, i.e. every Action
 * deployed in `from` that uses the module is pinned to a published version whose code has the
 * artifact's sha256. A module only published in `from`, with no deployed Action pinned to it, has
 * not been exercised there and does not pass.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { actionsUsingModule, moduleNamed, moduleVersion } from "../management-api/action-modules";
import type { ManagementApi } from "../management-api/client";
import { unescapeTerraformTemplate } from "../terraform/template-escape";
import { ArtifactReadError } from "../terraform/declared-stack";

/** Module name → sha256 of the code the artifact publishes. */
export type ModuleHashes = Readonly<Record<string, string>>;

/** What `from` runs of one module: the code hash of each version its deployed Actions are pinned to. */
export interface UpstreamModule {
  found: boolean;
  pinned: ReadonlyArray<{ action: string; versionNumber?: number; sha256: string }>;
}

type StackJson = { resource?: { auth0_action_module?: Record<string, { name?: unknown; code?: unknown }> } };

/** The modules a synthesized stack publishes, by name, with the sha256 of their code as Terraform sends it. */
export function artifactModuleHashes(stackDir: string): Record<string, string> {
  const file = join(stackDir, "cdk.tf.json");
  let json: StackJson;
  try {
    json = JSON.parse(readFileSync(file, "utf8")) as StackJson;
  } catch (error) {
    throw new ArtifactReadError(`cannot read the synthesized stack ${file}: ${(error as Error).message}`);
  }
  const hashes: Record<string, string> = {};
  for (const [address, module] of Object.entries(json.resource?.auth0_action_module ?? {})) {
    if (typeof module.name !== "string" || typeof module.code !== "string")
      throw new ArtifactReadError(`${file}: auth0_action_module.${address} has no literal name and code`);
    hashes[unescapeTerraformTemplate(module.name)] = sha256(unescapeTerraformTemplate(module.code));
  }
  return hashes;
}

/** Reads, for each module name, the versions `from`'s deployed Actions run (Management API). */
export async function readUpstreamModules(api: ManagementApi, names: readonly string[]): Promise<Record<string, UpstreamModule>> {
  const out: Record<string, UpstreamModule> = {};
  for (const name of names) {
    const module = await moduleNamed(api, name);
    if (!module) {
      out[name] = { found: false, pinned: [] };
      continue;
    }
    const codeOf = new Map<string, Promise<string>>();
    const pinned = [];
    for (const use of await actionsUsingModule(api, module.id)) {
      if (!codeOf.has(use.module_version_id))
        codeOf.set(
          use.module_version_id,
          moduleVersion(api, module.id, use.module_version_id).then((v) => sha256(v.code ?? "")),
        );
      pinned.push({
        action: use.action_name ?? use.action_id,
        ...(use.module_version_number !== undefined ? { versionNumber: use.module_version_number } : {}),
        sha256: await codeOf.get(use.module_version_id)!,
      });
    }
    out[name] = { found: true, pinned };
  }
  return out;
}

/** Why `to` may not get the artifact's modules; empty when every module runs in `from` with the same code. */
export function moduleGateReasons(from: string, artifact: ModuleHashes, upstream: Readonly<Record<string, UpstreamModule>>): string[] {
  const reasons: string[] = [];
  for (const [name, hash] of Object.entries(artifact).sort(([a], [b]) => a.localeCompare(b))) {
    const seen = upstream[name];
    if (!seen?.found) {
      reasons.push(`Action Module "${name}" does not exist in "${from}"; deploy this commit to "${from}" first`);
      continue;
    }
    if (seen.pinned.length === 0) {
      reasons.push(`Action Module "${name}": no Action deployed in "${from}" is pinned to it, so "${from}" does not run it yet`);
      continue;
    }
    for (const pin of seen.pinned) {
      if (pin.sha256 !== hash) {
        const version = pin.versionNumber !== undefined ? ` version ${pin.versionNumber}` : "";
        reasons.push(
          `Action Module "${name}": the code to publish (sha256 ${hash.slice(0, 12)}) is not the code "${from}" runs for "${pin.action}" (module${version}, sha256 ${pin.sha256.slice(0, 12)}); deploy this commit to "${from}" first`,
        );
      }
    }
  }
  return reasons;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
