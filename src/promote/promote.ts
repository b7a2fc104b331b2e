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

/** A reason not to promote: promote() returns it as its outcome (exit code 1), secrets redacted. */
class Refusal extends Error {}

type FromOptions = Omit<VerifyOptions, "selection">;

export async function promote(given: PromoteOptions): Promise<PromoteOutcome> {
  const env = given.env ?? process.env;
  const options: PromoteOptions = { ...given, log: redactedLog(given.log, env) };
  try {
    return await gateThenDeploy(options, env);
  } catch (error) {
    if (error instanceof Refusal) return { exitCode: 1, message: redactSecrets(error.message, env) };
    throw error;
  }
}

/** The gate (tenants, artifact, what `from` runs, its modules), then the deploy of `to`; throws a Refusal at the first reason not to. */
async function gateThenDeploy(options: PromoteOptions, env: NodeJS.ProcessEnv): Promise<PromoteOutcome> {
  const log = options.log ?? (() => undefined);
  const tenantsDir = options.tenantsDir ?? env.TENANTS_DIR ?? join(REPO_ROOT, "tenants");
  const { tenants, from, to } = promotionTenants(options, tenantsDir);
  const terraformEnvironment = deployEnvironment(to, env);
  const stacksRoot = options.artifactDir ?? options.outdir ?? join(REPO_ROOT, "cdktf.out");
  provideStacks(options, tenants, [from, to], stacksRoot, env, log);
  const artifact = artifactHashes(stacksRoot, to);

  // What `from` runs, read from its Management API with its own credentials (FROM_AUTH0_* when the
  // job holds both tenants' credentials, else the same AUTH0_*), on one session of its stack.
  const fromPrepared = preparedFromStacks(from, tenantsDir, stacksRoot);
  const fromOptions: FromOptions = {
    env: fromTenantEnv(env),
    localStateDir: options.localStateDir,
    log,
    ...(options.api ? { api: options.api } : {}),
  };
  const fromVerify = await whatFromRuns(fromPrepared, to, terraformEnvironment, fromOptions, log);
  const decision = checkPromotion({ from, to, artifact, fromVerify });
  if (!decision.allowed)
    throw new Refusal(`refusing to promote ${from.name} → ${to.name}:\n${decision.reasons.map((r) => `  - ${r}`).join("\n")}`);
  const modules = await checkedModules(fromPrepared, to, stacksRoot, fromOptions, log);

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
  if (deployed.exitCode !== 0) throw new Refusal(`deploying ${to.name} did not converge:\n${deployed.error ?? deployed.markdown}`);
  return { exitCode: 0, message: `promoted ${from.name} → ${to.name}: ${hashes}` };
}

/** Every tenant (validated), and `from` and `to`, which must exist and be in promotion order. */
function promotionTenants(options: PromoteOptions, tenantsDir: string): { tenants: Tenant[]; from: Tenant; to: Tenant } {
  let tenants: Tenant[];
  try {
    tenants = loadTenants(tenantsDir);
  } catch (error) {
    if (error instanceof TenantConfigError) throw new Refusal(`invalid tenant configuration:\n${error.message}`);
    throw error;
  }
  const from = tenants.find((t) => t.name === options.from);
  const to = tenants.find((t) => t.name === options.to);
  const names = tenants.map((t) => t.name).join(", ");
  if (!from || !to) throw new Refusal(`no tenant named "${!from ? options.from : options.to}"; tenants are: ${names}`);
  const order = orderProblem(from.name, to);
  if (order) throw new Refusal(`refusing to promote ${from.name} → ${to.name}: ${order}`);
  return { tenants, from, to };
}

/** The environment Terraform deploys `to` with, once its credentials and secret values are there. */
function deployEnvironment(to: Tenant, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const noCredentials = missingCredentials(env);
  if (noCredentials) throw new Refusal(`cannot deploy ${to.name}: ${noCredentials}`);
  const missingVars = missingSecretVariables(to, env);
  if (missingVars.length > 0) throw new Refusal(`cannot deploy ${to.name}: Action secrets without a value; set ${missingVars.join(", ")}`);
  try {
    return terraformProcessEnv(env);
  } catch (error) {
    if (error instanceof TerraformError) throw new Refusal(error.message);
    throw error;
  }
}

/** The given artifact, which must hold both stacks, or a synthesis of every tenant into `stacksRoot`. */
function provideStacks(
  options: PromoteOptions,
  tenants: readonly Tenant[],
  pair: readonly Tenant[],
  stacksRoot: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): void {
  if (options.artifactDir) {
    const missing = pair.filter((t) => !existsSync(join(stacksRoot, "stacks", t.name, "cdk.tf.json")));
    if (missing.length > 0)
      throw new Refusal(`the artifact ${options.artifactDir} has no stack for ${missing.map((t) => t.name).join(", ")}`);
    log(`using the synthesized artifact in ${options.artifactDir}`);
    return;
  }
  log(`synthesizing ${tenants.length} tenant stacks into ${stacksRoot}`);
  try {
    synthTenants(tenants, stacksRoot);
  } catch (error) {
    throw new Refusal(`synthesis failed: ${redactSecrets((error as Error).message, env)}`);
  }
}

/** Resource address -> sha256 of the code the artifact deploys to `to`. */
function artifactHashes(stacksRoot: string, to: Tenant): Record<string, string> {
  try {
    return Object.fromEntries(readDeclaredStack(join(stacksRoot, "stacks", to.name)).actions.map((a) => [a.address, a.sha256]));
  } catch (error) {
    if (error instanceof ArtifactReadError) throw new Refusal(error.message);
    throw error;
  }
}

/** What `from` runs (deployed versions, drafts, bindings); a `from` with no recorded deployment is refused. */
async function whatFromRuns(
  fromPrepared: PreparedTenant,
  to: Tenant,
  terraformEnvironment: NodeJS.ProcessEnv,
  fromOptions: FromOptions,
  log: (line: string) => void,
): Promise<VerifyResult> {
  const from = fromPrepared.tenant;
  let fromVerify: VerifyResult | undefined;
  try {
    fromVerify = await withTenantSession(fromPrepared, { env: terraformEnvironment }, fromOptions, async (session) => {
      if (Object.keys(await session.actionIds()).length === 0) return undefined;
      log(`reading what ${from.name} runs (Management API: deployed versions, drafts, bindings)`);
      return verifyOnce(session, fromOptions);
    });
  } catch (error) {
    if (error instanceof UserFacingError) throw new Refusal(`cannot read what ${from.name} runs: ${error.message}`);
    throw error;
  }
  if (!fromVerify) {
    throw new Refusal(
      `refusing to promote ${from.name} → ${to.name}:\n  - "${from.name}" has no recorded deployment (its state records no Action): deploy this commit to "${from.name}" first (npm run deploy -- ${from.name})`,
    );
  }
  return fromVerify;
}

/** Action Modules: each one the artifact publishes must run in `from` with the same code. Module name -> sha256. */
async function checkedModules(
  fromPrepared: PreparedTenant,
  to: Tenant,
  stacksRoot: string,
  fromOptions: FromOptions,
  log: (line: string) => void,
): Promise<Record<string, string>> {
  const from = fromPrepared.tenant;
  let reasons: string[] = [];
  let modules: Record<string, string>;
  try {
    modules = artifactModuleHashes(join(stacksRoot, "stacks", to.name));
    if (Object.keys(modules).length > 0) {
      log(`reading which Action Module versions ${from.name} runs (Management API)`);
      const upstream = await readUpstreamModules(await connectTo(fromPrepared, fromOptions), Object.keys(modules));
      reasons = moduleGateReasons(from.name, modules, upstream);
    }
  } catch (error) {
    if (error instanceof ArtifactReadError) throw new Refusal(error.message);
    if (error instanceof UserFacingError) throw new Refusal(`cannot read which Action Modules ${from.name} runs: ${error.message}`);
    throw error;
  }
  if (reasons.length > 0) throw new Refusal(`refusing to promote ${from.name} → ${to.name}:\n${reasons.map((r) => `  - ${r}`).join("\n")}`);
  return modules;
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
