/**
 * `npm run promote -- <from> <to>`: deploy to `to` the synthesized artifact, but only after
 * the promotion gate (promotion-gate.ts) has checked it against what `from` records as deployed.
 * The deploy step is injected so the gate can be tested without touching a tenant.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../bundle/bundle-action";
import { loadTenants, TenantConfigError, type Tenant } from "../config/load-tenants";
import { missingCredentials, missingSecretVariables, redactSecrets } from "../terraform/credentials";
import { openStackWorkdir } from "../terraform/workdir";
import { terraformApply as applyStack, terraformInit, terraformProcessEnv, TerraformError } from "../terraform/commands";
import { synthTenants } from "../synth/synth-tenants";
import { ArtifactError, readArtifactCodeHashes } from "./artifact-hashes";
import { readDeployedCodeHashes } from "./deployed-hashes";
import { checkPromotion, orderProblem } from "./promotion-gate";

export interface DeployTarget {
  tenant: Tenant;
  /** Where to run terraform for `to` (the artifact's stack directory, or a copy with a local backend). */
  workdir: string;
  /** "<trigger>/<handler>" -> sha256 the deploy must leave recorded in `to`'s state. */
  expectedHashes: Readonly<Record<string, string>>;
}

export type DeployStep = (target: DeployTarget, env: NodeJS.ProcessEnv, log: (line: string) => void) => Promise<void>;

export interface PromoteOptions {
  from: string;
  to: string;
  tenantsDir?: string;
  /** Where to synthesize when no artifact is given; default <repo>/cdktf.out. */
  outdir?: string;
  /** An already synthesized cdktf.out (e.g. the CI artifact of this commit): deploy exactly it, no synthesis. */
  artifactDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Read and write `<dir>/<tenant>.tfstate` instead of the tenants' backends. */
  localStateDir?: string;
  log?: (line: string) => void;
  /** Default: terraform init + apply -auto-approve, then a check of the recorded hashes. */
  deploy?: DeployStep;
}

export interface PromoteOutcome {
  exitCode: 0 | 1;
  message: string;
}

export async function promote(options: PromoteOptions): Promise<PromoteOutcome> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const refuse = (message: string): PromoteOutcome => ({ exitCode: 1, message: redactSecrets(message, env) });
  const { from: fromName, to: toName } = options;

  let tenants: Tenant[];
  try {
    tenants = loadTenants(options.tenantsDir ?? join(REPO_ROOT, "tenants"));
  } catch (error) {
    if (error instanceof TenantConfigError) return refuse(`invalid tenant configuration:\n${error.message}`);
    throw error;
  }
  const from = tenants.find((t) => t.name === fromName);
  const to = tenants.find((t) => t.name === toName);
  const names = tenants.map((t) => t.name).join(", ");
  if (!from || !to) return refuse(`no tenant named "${!from ? fromName : toName}"; tenants are: ${names}`);
  const order = orderProblem(from.name, to);
  if (order) return refuse(`refusing to promote ${from.name} → ${to.name}: ${order}`);
  const noCredentials = missingCredentials(env);
  if (noCredentials) return refuse(`cannot deploy ${to.name}: ${noCredentials}`);
  const missingVars = missingSecretVariables(to, env);
  if (missingVars.length > 0) return refuse(`cannot deploy ${to.name}: Action secrets without a value; set ${missingVars.join(", ")}`);

  let terraformEnvironment: NodeJS.ProcessEnv;
  try {
    terraformEnvironment = terraformProcessEnv(env);
  } catch (error) {
    if (error instanceof TerraformError) return refuse(error.message);
    throw error;
  }

  const stacksRoot = options.artifactDir ?? options.outdir ?? join(REPO_ROOT, "cdktf.out");
  if (options.artifactDir) {
    const missing = [from, to].filter((t) => !existsSync(join(stacksRoot, "stacks", t.name, "cdk.tf.json")));
    if (missing.length > 0) return refuse(`the artifact ${options.artifactDir} has no stack for ${missing.map((t) => t.name).join(", ")}`);
    log(`using the synthesized artifact in ${options.artifactDir}`);
  } else {
    log(`synthesizing ${tenants.length} tenant stacks into ${stacksRoot}`);
    try {
      synthTenants(tenants, stacksRoot);
    } catch (error) {
      return refuse(`synthesis failed: ${redactSecrets((error as Error).message, env)}`);
    }
  }

  let artifact: Record<string, string>;
  try {
    artifact = readArtifactCodeHashes(join(stacksRoot, "stacks", to.name));
  } catch (error) {
    if (error instanceof ArtifactError) return refuse(error.message);
    throw error;
  }

  const fromWorkdir = openStackWorkdir(join(stacksRoot, "stacks", from.name), from.name, { localStateDir: options.localStateDir });
  let deployedInFrom: Record<string, string> | undefined;
  try {
    log(`reading what ${from.name} runs (terraform output)`);
    deployedInFrom = await readDeployedCodeHashes(fromWorkdir.dir, terraformEnvironment);
  } catch (error) {
    if (error instanceof TerraformError) return refuse(`cannot read the state of ${from.name}: ${error.message}`);
    throw error;
  } finally {
    fromWorkdir.dispose();
  }

  const decision = checkPromotion({ from, to, artifact, deployedInFrom });
  if (!decision.allowed) return refuse(`refusing to promote ${from.name} → ${to.name}:\n${decision.reasons.map((r) => `  - ${r}`).join("\n")}`);

  const hashes = Object.entries(artifact)
    .map(([action, hash]) => `"${action}" ${hash.slice(0, 12)}`)
    .join(", ");
  log(`gate passed: ${from.name} runs the same code (${hashes}); deploying ${to.name}`);
  const toWorkdir = openStackWorkdir(join(stacksRoot, "stacks", to.name), to.name, { localStateDir: options.localStateDir });
  try {
    await (options.deploy ?? terraformApply)({ tenant: to, workdir: toWorkdir.dir, expectedHashes: artifact }, terraformEnvironment, log);
  } catch (error) {
    if (error instanceof TerraformError) return refuse(`deploying ${to.name} failed: ${error.message}`);
    throw error;
  } finally {
    toWorkdir.dispose();
  }
  return { exitCode: 0, message: `promoted ${from.name} → ${to.name}: ${hashes}` };
}

/** The real deploy: init, apply the synthesized stack, then confirm the state records the promoted code. */
export const terraformApply: DeployStep = async (target, env, log) => {
  await terraformInit(target.workdir, env);
  log(`${target.tenant.name}: terraform apply`);
  await applyStack(target.workdir, env, { onLine: (line) => log(`${target.tenant.name}: ${redactSecrets(line, env)}`) });
  const recorded = await readDeployedCodeHashes(target.workdir, env);
  const wrong = Object.entries(target.expectedHashes).filter(([action, hash]) => recorded?.[action] !== hash);
  if (wrong.length > 0) throw new TerraformError(`apply finished but the state of ${target.tenant.name} does not record the promoted code for ${wrong.map(([a]) => `"${a}"`).join(", ")}`);
};
