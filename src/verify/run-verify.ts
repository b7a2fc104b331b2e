/**
 * `npm run verify`: per tenant, what the tenant runs, read from the Management API, against the
 * artifact of this commit and the Action ids its state records. Reports go to stdout and
 * <outdir>/verify/<tenant>.md. Exit code: 0 matches, 2 differs, 1 error.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { moduleVersion } from "../management-api/action-modules";
import { actionsNamed, bindingsOf, type Action } from "../management-api/actions";
import { connectManagementApi, ManagementApiError, type ManagementApi } from "../management-api/client";
import { terraformInit, terraformStateResources, TerraformError } from "../terraform/commands";
import { redactSecrets } from "../terraform/credentials";
import {
  combinedExitCode,
  prepareRun,
  RunSetupError,
  type PreparedRun,
  type PreparedTenant,
  type TenantRunOptions,
} from "../terraform/tenant-run";
import { openStackWorkdir } from "../terraform/workdir";
import { compareTenant, sha256, type TenantTruth, type VerifyResult } from "./compare";
import { ArtifactReadError, readDeclaredStack, type DeclaredStack } from "./declared";
import { renderVerifyMarkdown } from "./render";

export interface VerifyOptions extends TenantRunOptions {
  /** Retries and backoff of Management API calls (tests shorten them). */
  api?: { retries?: number; minBackoffMs?: number };
}

export interface TenantVerifyOutcome {
  tenant: string;
  exitCode: 0 | 1 | 2;
  markdown: string;
  result?: VerifyResult;
  error?: string;
}

export interface VerifyOutcome {
  exitCode: 0 | 1 | 2;
  tenants: TenantVerifyOutcome[];
  error?: string;
}

export async function verifyTenants(options: VerifyOptions): Promise<VerifyOutcome> {
  let run: PreparedRun;
  try {
    // Verify never plans or applies: write-only secret values are not needed.
    run = prepareRun({ ...options, placeholderSecrets: true });
  } catch (error) {
    if (!(error instanceof RunSetupError)) throw error;
    return { exitCode: 1, tenants: [], error: error.message };
  }
  const outcomes: TenantVerifyOutcome[] = [];
  for (const prepared of run.tenants) outcomes.push(await verifyPrepared(prepared, run, options));
  return { exitCode: combinedExitCode(outcomes.map((o) => o.exitCode)), tenants: outcomes };
}

/** Verify of one prepared tenant; any failure is an outcome with exit code 1 and a report saying why. */
export async function verifyPrepared(prepared: PreparedTenant, run: PreparedRun, options: VerifyOptions): Promise<TenantVerifyOutcome> {
  const name = prepared.tenant.name;
  const env = options.env ?? process.env;
  try {
    const result = await verifyOnce(prepared, run, options);
    const markdown = redactSecrets(renderVerifyMarkdown(result, prepared.tenantFile), env);
    writeReport(run.outdir, name, markdown);
    return { tenant: name, exitCode: result.exitCode, markdown, result };
  } catch (error) {
    if (!(error instanceof TerraformError || error instanceof ManagementApiError || error instanceof ArtifactReadError)) throw error;
    const message = redactSecrets(error.message, env);
    const markdown = `## Verify: ${name} (${prepared.tenantFile})\n\n**Verify could not finish**: nothing was compared.\n\n\`\`\`\n${message}\n\`\`\`\n`;
    writeReport(run.outdir, name, markdown);
    return { tenant: name, exitCode: 1, markdown, error: message };
  }
}

/** Reads state, artifact and tenant, and compares them. Throws TerraformError / ManagementApiError / ArtifactReadError. */
export async function verifyOnce(
  prepared: PreparedTenant,
  run: PreparedRun,
  options: Omit<VerifyOptions, "selection">,
  api?: ManagementApi,
  knownStateIds?: Readonly<Record<string, string>>,
): Promise<VerifyResult> {
  const name = prepared.tenant.name;
  const declared = readDeclaredStack(prepared.stackDir);
  const stateIds = knownStateIds ?? (await stateActionIds(prepared, run, options));
  options.log?.(`${name}: reading Actions and bindings from https://${prepared.tenant.domain}/api/v2`);
  const client = api ?? (await connectTo(prepared, options));
  const truth = await readTenantTruth(client, declared, stateIds);
  return compareTenant(declared, truth, { tenant: name, stackDir: relative(process.cwd(), prepared.stackDir) || prepared.stackDir });
}

export function connectTo(prepared: PreparedTenant, options: Omit<VerifyOptions, "selection">): Promise<ManagementApi> {
  return connectManagementApi({
    domain: prepared.tenant.domain,
    env: options.env ?? process.env,
    ...(options.api ?? {}),
    log: (line) => options.log?.(`${prepared.tenant.name}: ${line}`),
  });
}

/** Resource address -> Action id, as the tenant's state (any backend) records them. */
export async function stateActionIds(
  prepared: PreparedTenant,
  run: PreparedRun,
  options: Pick<TenantRunOptions, "localStateDir" | "log">,
): Promise<Record<string, string>> {
  const workdir = openStackWorkdir(prepared.stackDir, prepared.tenant.name, { localStateDir: options.localStateDir });
  try {
    options.log?.(`${prepared.tenant.name}: reading the state (terraform show)`);
    await terraformInit(workdir.dir, run.env);
    const resources = await terraformStateResources(workdir.dir, run.env);
    return Object.fromEntries(
      resources.filter((r) => r.type === "auth0_action" && typeof r.values.id === "string").map((r) => [r.address, r.values.id as string]),
    );
  } finally {
    workdir.dispose();
  }
}

export async function readTenantTruth(
  api: ManagementApi,
  declared: DeclaredStack,
  stateIds: Readonly<Record<string, string>>,
): Promise<TenantTruth> {
  const names = [...new Set(declared.actions.map((a) => a.name))].sort();
  const triggers = [...new Set([...declared.actions.map((a) => a.trigger), ...declared.flows.map((f) => f.trigger)])].sort();
  const actionsByName: TenantTruth["actionsByName"] = Object.fromEntries(
    await Promise.all(names.map(async (n) => [n, await actionsNamed(api, n)] as const)),
  );
  const bindings: TenantTruth["bindings"] = Object.fromEntries(
    await Promise.all(triggers.map(async (t) => [t, await bindingsOf(api, t)] as const)),
  );
  const moduleVersionSha256 = await moduleVersionHashes(api, Object.values(actionsByName).flat());
  return { stateIds, actionsByName, bindings, ...(Object.keys(moduleVersionSha256).length > 0 ? { moduleVersionSha256 } : {}) };
}

/** sha256 of the code of each module version the Actions' deployed versions are pinned to (one read per version). */
async function moduleVersionHashes(api: ManagementApi, actions: readonly Action[]): Promise<Record<string, string>> {
  const pins = new Map(actions.flatMap((a) => a.deployed_version?.modules ?? []).map((p) => [p.module_version_id, p.module_id]));
  const hashes: Record<string, string> = {};
  for (const [versionId, moduleId] of [...pins].sort(([a], [b]) => a.localeCompare(b))) {
    hashes[versionId] = sha256((await moduleVersion(api, moduleId, versionId)).code ?? "");
  }
  return hashes;
}

function writeReport(outdir: string, tenant: string, markdown: string): void {
  mkdirSync(join(outdir, "verify"), { recursive: true });
  writeFileSync(join(outdir, "verify", `${tenant}.md`), markdown);
}
