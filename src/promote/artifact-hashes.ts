/**
 * The code hashes an artifact would deploy: for each Action in a synthesized stack's
 * `action_code_sha256` output ({ <trigger>: { <handler>: sha256 } }), sha256 of the code exactly as
 * Terraform sends it (the JSON string with Terraform's template escapes undone), i.e. the value the
 * output will have after apply. Keys are "<trigger>/<handler>": stable, unlike display names.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { unescapeTerraformTemplate } from "../terraform/template-escape";
import { UserFacingError } from "../errors";
import { CODE_HASH_OUTPUT } from "../stacks/outputs";

/** "<trigger>/<handler>" → value, from the output's nested shape; non-object levels are skipped. */
export function flattenByTrigger(value: unknown): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  if (!value || typeof value !== "object") return flat;
  for (const [trigger, byHandler] of Object.entries(value as Record<string, unknown>)) {
    if (!byHandler || typeof byHandler !== "object") continue;
    for (const [handler, hash] of Object.entries(byHandler as Record<string, unknown>)) flat[`${trigger}/${handler}`] = hash;
  }
  return flat;
}

export class ArtifactError extends UserFacingError {}

type StackJson = {
  output?: Record<string, { value?: unknown }>;
  resource?: { auth0_action?: Record<string, { code?: unknown }> };
};

export function readArtifactCodeHashes(stackDir: string): Record<string, string> {
  const file = join(stackDir, "cdk.tf.json");
  let json: StackJson;
  try {
    json = JSON.parse(readFileSync(file, "utf8")) as StackJson;
  } catch (error) {
    throw new ArtifactError(`cannot read the synthesized stack ${file}: ${(error as Error).message}`);
  }
  return artifactCodeHashes(json, file);
}

export function artifactCodeHashes(json: StackJson, file: string): Record<string, string> {
  const value = json.output?.[CODE_HASH_OUTPUT]?.value;
  if (!value || typeof value !== "object")
    throw new ArtifactError(`${file}: no "${CODE_HASH_OUTPUT}" output; synthesize with this repository's TenantStack`);
  const hashes: Record<string, string> = {};
  for (const [action, expression] of Object.entries(flattenByTrigger(value))) {
    if (typeof expression === "string" && /^[0-9a-f]{64}$/.test(expression)) {
      hashes[action] = expression;
      continue;
    }
    const ref = typeof expression === "string" ? /^\$\{sha256\(auth0_action\.([A-Za-z0-9_-]+)\.code\)\}$/.exec(expression) : null;
    const code = ref ? json.resource?.auth0_action?.[ref[1]]?.code : undefined;
    if (typeof code !== "string")
      throw new ArtifactError(`${file}: output ${CODE_HASH_OUTPUT}["${action}"] does not name an auth0_action's code`);
    hashes[action] = createHash("sha256").update(unescapeTerraformTemplate(code)).digest("hex");
  }
  return hashes;
}
