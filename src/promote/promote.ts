/**
 * `npm run promote -- <from> <to>`: deploy to `to` the synthesized artifact, but only after
 * the promotion gate (promotion-gate.ts) has checked it against what `from` runs: its deployed
 * versions, drafts and bindings read through the Management API (verify), never Terraform outputs.
 * The deploy of `to` is npm run deploy's flow; it is injectable so the gate can be tested alone.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../paths";
import { loadTenants, TenantConfigError, type Tenant } from "../config/load-tenants";
import { missingCredentials, missingSecretVariables } from "../terraform/credentials";
import { redactedLog, redactSecrets } from "../terraform/redaction";
import { terraformProcessEnv } from "../terraform/commands";
import { TerraformError } from "../terraform/errors";
import { preparedFromStacks, type PreparedRun, type PreparedTenant } from "../terraform/tenant-run";
import { withTenantSession } from "../terraform/session";
import { UserFacingError } from "../errors";
import { deployPrepared, type DeployOutcome } from "../deploy/run-deploy";
import type { VerifyResult } from "../verify/compare";
import { ArtifactReadError, readDeclaredStack } from "../terraform/declared-stack";
import { connectTo, verifyOnce, type VerifyOptions } from "../verify/run-verify";
import { artifactModuleHashes, moduleGateReasons, readUpstreamModules } from "./module-gate";
import { synthTenants } from "../synth/synth-tenants";
import { checkPromotion, orderProblem } from "./promotion-gate";

export interface DeployTarget {
  prepared: PreparedTenant;
  run: PreparedRun;
  /** Resource address -> sha256 the deploy must leave running in `to`. */
  expectedHashes: Readonly<Record<string, string>>;
}

export type DeployStep = (
  target: DeployTarget,
  env: NodeJS.ProcessEnv,
  options: PromoteOptions,
  log: (line: string) => void,
) => Promise<DeployOutcome>;

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
  /** Default: npm run deploy's flow (apply, verify, repair) on `to`. */
  deploy?: DeployStep;
  /** Retries and backoff of Management API calls (tests shorten them). */
  api?: VerifyOptions["api"];
}

export interface PromoteOutcome {
  exitCode: 0 | 1;
  message: string;
}

export async function promote(given: PromoteOptions): Promise<PromoteOutcome> {
  const env = given.env ?? process.env;
  const options: PromoteOptions = { ...given, log: redactedLog(given.log, env) };
  const log = options.log ?? (() => undefined);
  const refuse = (message: string): PromoteOutcome => ({ exitCode: 1, message: redactSecrets(message, env) });
  const { from: fromName, to: toName } = options;

  const tenantsDir = options.tenantsDir ?? env.TENANTS_DIR ?? join(REPO_ROOT, "tenants");
  let tenants: Tenant[];
  try {
    tenants = loadTenants(tenantsDir);
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
    artifact = Object.fromEntries(readDeclaredStack(join(stacksRoot, "stacks", to.name)).actions.map((a) => [a.address, a.sha256]));
  } catch (error) {
    if (error instanceof ArtifactReadError) return refuse(error.message);
    throw error;
  }

  // What `from` runs, read from its Management API with its own credentials (FROM_AUTH0_* when the
  // job holds both tenants' credentials, else the same AUTH0_*), on one session of its stack.
  const fromEnv = fromTenantEnv(env);
  const fromPrepared = preparedFromStacks(from, tenantsDir, stacksRoot);
  const fromOptions = { env: fromEnv, localStateDir: options.localStateDir, log, ...(options.api ? { api: options.api } : {}) };
  let fromVerify: VerifyResult | undefined;
  try {
    fromVerify = await withTenantSession(fromPrepared, { env: terraformEnvironment }, fromOptions, async (session) => {
      if (Object.keys(await session.actionIds()).length === 0) return undefined;
      log(`reading what ${from.name} runs (Management API: deployed versions, drafts, bindings)`);
      return verifyOnce(session, fromOptions);
    });
  } catch (error) {
    if (error instanceof UserFacingError) return refuse(`cannot read what ${from.name} runs: ${error.message}`);
    throw error;
  }
  if (!fromVerify) {
    return refuse(
      `refusing to promote ${from.name} → ${to.name}:\n  - "${from.name}" has no recorded deployment (its state records no Action): deploy this commit to "${from.name}" first (npm run deploy -- ${from.name})`,
    );
  }

  const decision = checkPromotion({ from, to, artifact, fromVerify });
  if (!decision.allowed)
    return refuse(`refusing to promote ${from.name} → ${to.name}:\n${decision.reasons.map((r) => `  - ${r}`).join("\n")}`);

  // Action Modules: each one the artifact publishes must run in `from` with the same code.
  let modules: Record<string, string>;
  try {
    modules = artifactModuleHashes(join(stacksRoot, "stacks", to.name));
    if (Object.keys(modules).length > 0) {
      log(`reading which Action Module versions ${from.name} runs (Management API)`);
      const upstream = await readUpstreamModules(await connectTo(fromPrepared, fromOptions), Object.keys(modules));
      const reasons = moduleGateReasons(from.name, modules, upstream);
      if (reasons.length > 0) return refuse(`refusing to promote ${from.name} → ${to.name}:\n${reasons.map((r) => `  - ${r}`).join("\n")}`);
    }
  } catch (error) {
    if (error instanceof ArtifactReadError) return refuse(error.message);
    if (error instanceof UserFacingError) return refuse(`cannot read which Action Modules ${from.name} runs: ${error.message}`);
    throw error;
  }

  const hashes = [
    ...Object.entries(artifact).map(([address, hash]) => `${address} ${hash.slice(0, 12)}`),
    ...Object.entries(modules).map(([name, hash]) => `module ${name} ${hash.slice(0, 12)}`),
  ].join(", ");
  log(`gate passed: ${from.name} runs the same code (${hashes}); deploying ${to.name}`);
  const toPrepared = preparedFromStacks(to, tenantsDir, stacksRoot);
  const deployed = await (options.deploy ?? defaultDeploy)(
    { prepared: toPrepared, run: { env: terraformEnvironment, outdir: stacksRoot, tenants: [toPrepared] }, expectedHashes: artifact },
    env,
    options,
    log,
  );
  if (deployed.exitCode !== 0) return refuse(`deploying ${to.name} did not converge:\n${deployed.error ?? deployed.markdown}`);
  return { exitCode: 0, message: `promoted ${from.name} → ${to.name}: ${hashes}` };
}

/** The environment that reads `from`: FROM_AUTH0_* / FROM_SSL_CERT_FILE override AUTH0_* / SSL_CERT_FILE when set. */
export function fromTenantEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const prefixed = Object.entries(env).filter(([k, v]) => k.startsWith("FROM_") && v !== undefined && v !== "");
  if (prefixed.length === 0) return env;
  const base = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith("AUTH0_")));
  return { ...base, ...Object.fromEntries(prefixed.map(([k, v]) => [k.slice("FROM_".length), v])) };
}

/** The real deploy of `to`: apply, verify, repair (npm run deploy's flow). */
const defaultDeploy: DeployStep = (target, env, options, log) =>
  deployPrepared(target.prepared, target.run, {
    env,
    localStateDir: options.localStateDir,
    log,
    ...(options.api ? { api: options.api } : {}),
  });
