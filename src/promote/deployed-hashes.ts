/**
 * What a tenant runs, as its own state records it: the action_code_sha256 output, read with
 * `terraform output -json` in the tenant's stack (so any backend works: local, S3, HCP Terraform).
 */
import { explainFailure, terraformInit, terraformStep, TerraformStepError } from "../plan/terraform-plan";
import { CODE_HASH_OUTPUT, flattenByTrigger } from "./artifact-hashes";

/** "<trigger>/<handler>" -> sha256, or undefined when the state has no such output (never deployed, or no state). */
export async function readDeployedCodeHashes(workdir: string, env: NodeJS.ProcessEnv): Promise<Record<string, string> | undefined> {
  await terraformInit(workdir, env);
  const result = await terraformStep(workdir, ["output", "-json", "-no-color"], env);
  if (result.code !== 0) throw new TerraformStepError(explainFailure("terraform output", result, env));
  let outputs: Record<string, { value?: unknown }>;
  try {
    outputs = JSON.parse(result.stdout || "{}") as Record<string, { value?: unknown }>;
  } catch {
    throw new TerraformStepError("terraform output -json did not print JSON");
  }
  const value = outputs[CODE_HASH_OUTPUT]?.value;
  if (!value || typeof value !== "object") return undefined;
  return Object.fromEntries(Object.entries(flattenByTrigger(value)).filter((e): e is [string, string] => typeof e[1] === "string"));
}
