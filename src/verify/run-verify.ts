/**
 * `npm run verify`: per tenant, what the tenant runs, read from the Management API, against the
 * artifact of this commit and the Action ids its state records. Reports go to stdout and
 * <outdir>/verify/<tenant>.md. Exit code: 0 matches, 2 differs, 1 error.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { moduleVersion } from "../management-api/action-modules";
import { actionsNamed, bindingsOf, versionsOf, type Action } from "../management-api/actions";
import { REPO_ROOT } from "../paths";
import { rollbackRecords } from "../rollback/git";
import { connectManagementApi, type ManagementApi } from "../management-api/client";
import { redactedLog, redactSecrets } from "../terraform/redaction";
import {
  combinedExitCode,
  prepareRun,
  RunSetupError,
  type PreparedRun,
  type PreparedTenant,
  type TenantRunOptions,
} from "../terraform/tenant-run";
import { forEachTenant, type TenantSession } from "../terraform/session";
import { compareTenant, sha256, type TenantTruth, type VerifyResult } from "./compare";
import { readDeclaredStack, type DeclaredStack } from "../terraform/declared-stack";
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

export async function verifyTenants(given: VerifyOptions): Promise<VerifyOutcome> {
  const options: VerifyOptions = { ...given, log: redactedLog(given.log, given.env ?? process.env) };
  let run: PreparedRun;
  try {
    // Verify never plans or applies: write-only secret values are not needed.
    run = prepareRun({ ...options, placeholderSecrets: true });
  } catch (error) {
    if (!(error instanceof RunSetupError)) throw error;
    return { exitCode: 1, tenants: [], error: error.message };
  }
  const outcomes = await forEachTenant(
    run,
    options,
    async (session): Promise<TenantVerifyOutcome> => {
      const result = await verifyOnce(session, options);
      const markdown = redactSecrets(renderVerifyMarkdown(result, session.prepared.tenantFile), run.env);
      writeReport(run.outdir, session.tenant, markdown);
      return { tenant: session.tenant, exitCode: result.exitCode, markdown, result };
    },
    (tenant, message): TenantVerifyOutcome => {
      const tenantFile = run.tenants.find((t) => t.tenant.name === tenant)?.tenantFile ?? tenant;
      const markdown = `## Verify: ${tenant} (${tenantFile})\n\n**Verify could not finish**: nothing was compared.\n\n\`\`\`\n${message}\n\`\`\`\n`;
      writeReport(run.outdir, tenant, markdown);
      return { tenant, exitCode: 1, markdown, error: message };
    },
  );
  return { exitCode: combinedExitCode(outcomes.map((o) => o.exitCode)), tenants: outcomes };
}

/**
 * Reads the artifact, the state's Action ids (from the session: its last plan, else the state) and
 * the tenant, and compares them. Throws user-facing errors (Terraform, Management API, artifact).
 */
export async function verifyOnce(
  session: TenantSession,
  options: Omit<VerifyOptions, "selection">,
  api?: ManagementApi,
): Promise<VerifyResult> {
  const { tenant, stackDir } = session.prepared;
  const declared = readDeclaredStack(stackDir);
  const stateIds = await session.actionIds();
  options.log?.(`${tenant.name}: reading Actions and bindings from https://${tenant.domain}/api/v2`);
  const client = api ?? (await connectTo(session.prepared, options));
  const truth = await readTenantTruth(client, declared, stateIds);
  if (truth.versions && Object.keys(truth.versions).length > 0)
    truth.rollbackRecords = await rollbackRecords({ cwd: REPO_ROOT, env: options.env ?? process.env }, tenant.name);
  return compareTenant(declared, truth, { tenant: tenant.name, stackDir: relative(process.cwd(), stackDir) || stackDir });
}

export function connectTo(prepared: PreparedTenant, options: Omit<VerifyOptions, "selection">): Promise<ManagementApi> {
  return connectManagementApi({
    domain: prepared.tenant.domain,
    env: options.env ?? process.env,
    ...(options.api ?? {}),
    log: (line) => options.log?.(`${prepared.tenant.name}: ${line}`),
  });
}

export async function readTenantTruth(
  api: ManagementApi,
  declared: DeclaredStack,
  stateIds: Readonly<Record<string, string>>,
): Promise<TenantTruth> {
  const names = [...new Set(declared.actions.map((a) => a.name))].sort();
  const actionsByName: TenantTruth["actionsByName"] = Object.fromEntries(
    await Promise.all(names.map(async (n) => [n, await actionsNamed(api, n)] as const)),
  );
  // A same-named Action may support another trigger: its bindings decide whether deploy may touch it.
  const sameNamedTriggers = Object.values(actionsByName).flatMap((list) =>
    list.flatMap((a) => (a.supported_triggers ?? []).map((t) => t.id)),
  );
  const triggers = [
    ...new Set([...declared.actions.map((a) => a.trigger), ...declared.flows.map((f) => f.trigger), ...sameNamedTriggers]),
  ].sort();
  const bindings: TenantTruth["bindings"] = Object.fromEntries(
    await Promise.all(triggers.map(async (t) => [t, await bindingsOf(api, t)] as const)),
  );
  const moduleVersionSha256 = await moduleVersionHashes(api, Object.values(actionsByName).flat());
  // A deployed version that is not the artifact's (code or module code) may be a roll-back: its Action's history tells.
  const differing = declared.actions.flatMap((a) => {
    const managed = actionsByName[a.name]?.find((x) => x.id === stateIds[a.address]);
    const deployed = managed?.deployed_version;
    if (!managed || deployed?.code === undefined) return [];
    const pins = deployed.modules ?? [];
    const modulesDiffer =
      pins.length !== (a.modules ?? []).length ||
      pins.some((p) => moduleVersionSha256[p.module_version_id] !== a.modules?.find((m) => m.name === p.module_name)?.sha256);
    return sha256(deployed.code) !== a.sha256 || modulesDiffer ? [managed.id] : [];
  });
  const versions = Object.fromEntries(await Promise.all(differing.map(async (id) => [id, await versionsOf(api, id)] as const)));
  return {
    stateIds,
    actionsByName,
    bindings,
    ...(Object.keys(versions).length > 0 ? { versions } : {}),
    ...(Object.keys(moduleVersionSha256).length > 0 ? { moduleVersionSha256 } : {}),
  };
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
