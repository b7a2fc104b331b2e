/**
 * What every command shares before Terraform runs: load and validate the
 * tenant files, pick the requested tenants, check the environment, synthesize every stack once.
 * Anything wrong here is a clear, single message and exit code 1.
 */
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { loadTenants, TenantConfigError, type Tenant } from "../config/load-tenants";
import { REPO_ROOT } from "../paths";
import { synthTenants, type SynthesizedStack } from "../synth/synth-tenants";
import { terraformName } from "../triggers";
import type { NamedDeclaredFlow } from "./declared-flow";
import { missingCredentials, missingSecretVariables } from "./credentials";
import { redactSecrets } from "./redaction";
import { ArtifactReadError, readDeclaredStack } from "./declared-stack";
import { terraformProcessEnv } from "./commands";
import { TerraformError } from "./errors";
import { UserFacingError } from "../errors";

export interface TenantRunOptions {
  /** Tenant names, or "all". */
  selection: readonly string[] | "all";
  /** Default: $TENANTS_DIR of `env`, else <repo>/tenants. */
  tenantsDir?: string;
  /** Where stacks are synthesized; default <repo>/cdktf.out. State of local backends lands in <outdir>/../state. */
  outdir?: string;
  /** Credentials and TF_VAR_* come from here; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Use `<dir>/<tenant>.tfstate` instead of each tenant's backend (see stack-workdir.ts). */
  localStateDir?: string;
  /** Progress lines (to stderr in the CLI). */
  log?: (line: string) => void;
  /** Tenants already loaded and validated (tests, embedding); default: every file in tenantsDir. */
  tenants?: readonly Tenant[];
  /**
   * Give unset TF_VAR_* of Action secrets a placeholder. Secret values are write-only: a plan never
   * reads or shows them, so pull-request plans need no real value (and must not get one: pull-request
   * code runs in those jobs).
   */
  placeholderSecrets?: boolean;
  /** An already synthesized cdktf.out (the CI artifact of this commit): use its stacks, synthesize nothing. */
  artifactDir?: string;
  /** Where the handlers and Action Modules are (a copy of actions/ from another checkout: tests, embedding); default <repo>/actions. */
  handlersRoot?: string;
}

export const SECRET_PLACEHOLDER = "placeholder-value-a-plan-never-reads";

export interface PreparedTenant {
  tenant: Tenant;
  /** "tenants/dev.yaml": the tenant file as a reviewer knows it (no absolute paths). */
  tenantFile: string;
  stackDir: string;
  /** The stack's flows: trigger, mode and the display names of their Actions, in order. */
  declaredFlows: NamedDeclaredFlow[];
}

export interface PreparedRun {
  tenants: PreparedTenant[];
  /** The environment Terraform runs with. */
  env: NodeJS.ProcessEnv;
  outdir: string;
}

export class RunSetupError extends UserFacingError {
  constructor(
    message: string,
    /** Tenants the user asked for, so their review files can record the failure. */
    readonly requested: readonly string[] = [],
  ) {
    super(message);
  }
}

export function prepareRun(options: TenantRunOptions): PreparedRun {
  const tenantsDir = options.tenantsDir ?? (options.env ?? process.env).TENANTS_DIR ?? join(REPO_ROOT, "tenants");
  const outdir = options.outdir ?? join(REPO_ROOT, "cdktf.out");
  const requested = options.selection === "all" ? [] : [...options.selection];
  const { all, selected } = selectTenants(options, tenantsDir, requested);
  const env = options.placeholderSecrets ? withSecretPlaceholders(selected, options.env ?? process.env) : (options.env ?? process.env);
  const terraformEnvironment = checkedEnvironment(options, tenantsDir, requested, selected, env);

  if (options.artifactDir) {
    const artifactDir = options.artifactDir;
    const missing = selected.filter((t) => !existsSync(join(artifactDir, "stacks", t.name, "cdk.tf.json")));
    if (missing.length > 0)
      throw new RunSetupError(`the artifact ${artifactDir} has no stack for ${missing.map((t) => t.name).join(", ")}`, requested);
    options.log?.(`using the synthesized artifact in ${artifactDir}`);
    return {
      env: terraformEnvironment,
      outdir: artifactDir,
      tenants: selected.map((tenant) => preparedFromStacks(tenant, tenantsDir, artifactDir)),
    };
  }
  options.log?.(`synthesizing ${all.length} tenant stack${all.length > 1 ? "s" : ""} into ${outdir}`);
  let stacks;
  try {
    stacks = synthTenants(all, outdir, options.handlersRoot ? { handlersRoot: options.handlersRoot } : {});
  } catch (error) {
    throw new RunSetupError(`synthesis failed: ${redactSecrets((error as Error).message, env)}`, requested);
  }
  const byName = new Map(stacks.map((s) => [s.tenant.name, s]));
  return {
    env: terraformEnvironment,
    outdir,
    tenants: selected.map((tenant) => preparedFromSynth(tenant, tenantsDir, byName.get(tenant.name)!)),
  };
}

/** Every tenant (validated) and the ones `options.selection` names; an unknown name or an empty selection is refused. */
function selectTenants(
  options: TenantRunOptions,
  tenantsDir: string,
  requested: readonly string[],
): { all: readonly Tenant[]; selected: readonly Tenant[] } {
  let all: readonly Tenant[];
  try {
    all = options.tenants ?? loadTenants(tenantsDir, ...(options.handlersRoot ? [options.handlersRoot] : []));
  } catch (error) {
    if (error instanceof TenantConfigError) throw new RunSetupError(`invalid tenant configuration:\n${error.message}`, requested);
    throw error;
  }
  const names = all.map((t) => t.name);
  const unknown = requested.filter((n) => !names.includes(n));
  if (unknown.length > 0) {
    throw new RunSetupError(
      `no tenant named ${unknown.map((n) => `"${n}"`).join(", ")}; tenants are: ${names.join(", ")} (one file per tenant in ${basename(tenantsDir)}/)`,
      requested,
    );
  }
  const selected = options.selection === "all" ? all : all.filter((t) => requested.includes(t.name));
  if (selected.length === 0) throw new RunSetupError("no tenant selected: name one (e.g. dev) or pass --all");
  return { all, selected };
}

/**
 * The environment Terraform runs with, once everything the selected tenants need is in `env`:
 * credentials, PG_CONN_STR for pg backends, a value for every Action secret.
 */
function checkedEnvironment(
  options: TenantRunOptions,
  tenantsDir: string,
  requested: readonly string[],
  selected: readonly Tenant[],
  env: NodeJS.ProcessEnv,
): NodeJS.ProcessEnv {
  const noCredentials = missingCredentials(env);
  if (noCredentials) throw new RunSetupError(noCredentials, requested);
  const pgWithoutConnection = selected.filter((t) => t.backend.type === "pg" && !options.localStateDir && (env.PG_CONN_STR ?? "") === "");
  if (pgWithoutConnection.length > 0) {
    throw new RunSetupError(
      `${pgWithoutConnection.map((t) => displayFile(tenantsDir, t)).join(", ")}: the pg backend reads its connection string from PG_CONN_STR; set it (e.g. postgres://user@host:5432/terraform?sslmode=require), never in the tenant file`,
      requested,
    );
  }
  const missingVars = selected.flatMap((t) => missingSecretVariables(t, env).map((v) => `${displayFile(tenantsDir, t)}: ${v}`));
  if (missingVars.length > 0) {
    throw new RunSetupError(
      `Action secrets without a value; set these environment variables:\n${missingVars.map((m) => `  ${m}`).join("\n")}`,
      requested,
    );
  }
  try {
    return terraformProcessEnv(env);
  } catch (error) {
    if (error instanceof TerraformError) throw new RunSetupError(error.message, requested);
    throw error;
  }
}

/** A tenant whose stack this run synthesized: its flows read from the stack itself. */
function preparedFromSynth(tenant: Tenant, tenantsDir: string, stack: SynthesizedStack): PreparedTenant {
  return {
    tenant,
    tenantFile: displayFile(tenantsDir, tenant),
    stackDir: stack.dir,
    declaredFlows: stack.stack.flows.map((f) => ({
      trigger: f.trigger,
      mode: f.mode,
      order: f.actions.map((a) => `${a.action.terraformResourceType}.${terraformName(a.handler)}`),
      actions: f.actions.map((a) => a.name),
    })),
  };
}

/** A tenant whose stack is already synthesized under `stacksRoot` (an artifact, or what promote just synthesized). */
export function preparedFromStacks(tenant: Tenant, tenantsDir: string, stacksRoot: string): PreparedTenant {
  const stackDir = join(stacksRoot, "stacks", tenant.name);
  return { tenant, tenantFile: displayFile(tenantsDir, tenant), stackDir, declaredFlows: artifactFlows(stackDir) };
}

/** The flows an artifact's stack declares (display names in binding order), or [] when it cannot be read (verify reports that). */
function artifactFlows(stackDir: string): NamedDeclaredFlow[] {
  try {
    const stack = readDeclaredStack(stackDir);
    const nameOf = new Map(stack.actions.map((a) => [a.address, a.name]));
    return stack.flows.map((f) => ({
      ...f,
      actions: f.order.map((address) => nameOf.get(address) ?? address),
    }));
  } catch (error) {
    if (error instanceof ArtifactReadError) return [];
    throw error;
  }
}

/** "tenants/dev.yaml", whatever directory the tenants were read from. */
function displayFile(tenantsDir: string, tenant: Tenant): string {
  return `${basename(tenantsDir)}/${basename(tenant.file)}`;
}

/** Combines per-tenant exit codes the way -detailed-exitcode does: any error wins, then any change. */
export function combinedExitCode(codes: ReadonlyArray<0 | 1 | 2>): 0 | 1 | 2 {
  if (codes.includes(1)) return 1;
  return codes.includes(2) ? 2 : 0;
}

function withSecretPlaceholders(tenants: readonly Tenant[], env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const placeholders = Object.fromEntries(tenants.flatMap((t) => missingSecretVariables(t, env)).map((name) => [name, SECRET_PLACEHOLDER]));
  return { ...env, ...placeholders };
}
