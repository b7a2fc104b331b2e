/**
 * What a tenant runs, as its own state records it: the action_code_sha256 output, read with
 * `terraform output -json` in the tenant's stack (so any backend works: local, S3, HCP Terraform).
 */
import { terraformInit, terraformOutputs } from "../terraform/commands";
import { CODE_HASH_OUTPUT, flattenByTrigger } from "./artifact-hashes";

/** "<trigger>/<handler>" -> sha256, or undefined when the state has no such output (never deployed, or no state). */
export async function readDeployedCodeHashes(workdir: string, env: NodeJS.ProcessEnv): Promise<Record<string, string> | undefined> {
  await terraformInit(workdir, env);
  const value = (await terraformOutputs(workdir, env))[CODE_HASH_OUTPUT];
  if (!value || typeof value !== "object") return undefined;
  return Object.fromEntries(Object.entries(flattenByTrigger(value)).filter((e): e is [string, string] => typeof e[1] === "string"));
}
