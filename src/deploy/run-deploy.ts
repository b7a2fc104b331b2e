/**
 * `npm run deploy -- <tenant>`: the deploy that guarantees what runs is what was reviewed.
 *   1. terraform apply of this commit's stack;
 *   2. verify: read the tenant's deployed versions, bindings and same-named Actions back from the
 *      Management API (Terraform's provider reads drafts, not deployed versions);
 *   3. repair what apply cannot see: deploy a saved-but-undeployed draft that is the reviewed code
 *      (POST /api/v2/actions/actions/{id}/deploy), delete orphans: same name, not in state, and
 *      provably created by this repository (the artifact's code, unbound; see compare.ts);
 *   4. anything else still differing gets one more apply, then a final verify.
 * A same-named Action it cannot prove it created ("unmanaged") is reported and left alone, with its
 * bindings; `deleteUnmanaged` (--delete-unmanaged) unbinds and deletes it after printing a summary.
 * Management API calls retry 429 (after X-RateLimit-Reset) and 5xx with backoff.
 * Exit code: 0 the tenant runs the artifact (unmanaged Actions may remain, reported), 2 it still
 * differs (report says how), 1 error.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deleteAction, deployAction, unbindAction, waitForBuild } from "../management-api/actions";
import { RateLimitedError, type ManagementApi } from "../management-api/client";
import { UserFacingError } from "../errors";
import { lockId } from "../terraform/commands";
import { TerraformError } from "../terraform/errors";
import { redactedLog, redactSecrets } from "../terraform/redaction";
import { DEFAULT_TENANT_CONCURRENCY, forEachTenant, TenantSession } from "../terraform/session";
import {
  combinedExitCode,
  prepareRun,
  RunSetupError,
  type PreparedRun,
  type PreparedTenant,
  type TenantRunOptions,
} from "../terraform/tenant-run";
import { needsRepair, type UnmanagedAction, type VerifyResult } from "../verify/compare";
import { renderVerifyMarkdown } from "../verify/render";
import { connectTo, verifyOnce, type VerifyOptions } from "../verify/run-verify";

export interface DeployOptions extends Omit<VerifyOptions, "selection"> {
  tenant: string;
  /** Terraform's -lock-timeout for apply; default "60s". */
  lockTimeout?: string;
  /** Called with terraform's process id each time apply starts (fault tests kill it). */
  onTerraformSpawn?: (pid: number) => void;
  /** Also unbind and delete same-named Actions this repository cannot prove it created (--delete-unmanaged). */
  deleteUnmanaged?: boolean;
}

export interface DeployOutcome {
  exitCode: 0 | 1 | 2;
  /** The final verify report plus what was repaired (Markdown). */
  markdown: string;
  result?: VerifyResult;
  /** What deploy repaired through the Management API, one line each. */
  repairs: string[];
  error?: string;
}

const APPLY_ROUNDS = 2;

export async function deployTenant(given: DeployOptions): Promise<DeployOutcome> {
  const options: DeployOptions = { ...given, log: redactedLog(given.log, given.env ?? process.env) };
  let run: PreparedRun;
  try {
    run = prepareRun({ ...options, selection: [options.tenant] });
  } catch (error) {
    if (!(error instanceof RunSetupError)) throw error;
    return { exitCode: 1, markdown: "", repairs: [], error: error.message };
  }
  return deployPrepared(run.tenants[0], run, options);
}

/**
 * The deploy of one synthesized (or artifact) stack: apply, verify, repair, apply again if needed,
 * all on one tenant session (one `terraform init`, however many rounds).
 */
export async function deployPrepared(
  prepared: PreparedTenant,
  run: PreparedRun,
  given: Omit<DeployOptions, "tenant">,
): Promise<DeployOutcome> {
  const session = new TenantSession(prepared, run.env, given);
  try {
    return await deployOnSession(session, run, given);
  } finally {
    session.dispose();
  }
}

export interface DeployManyOptions extends Omit<DeployOptions, "tenant">, Pick<TenantRunOptions, "selection"> {
  /**
   * How many tenants deploy at once. Each has its own session, Management API client and 429
   * backoff, so one tenant's rate limit slows only that tenant.
   * @default 4
   */
  concurrency?: number;
}

export interface TenantDeployOutcome extends DeployOutcome {
  tenant: string;
}

/** `deploy --all` (or several names): each tenant's deploy, `concurrency` at a time; exit code as `combinedExitCode`. */
export async function deployTenants(
  given: DeployManyOptions,
): Promise<{ exitCode: 0 | 1 | 2; tenants: TenantDeployOutcome[]; error?: string }> {
  const options: DeployManyOptions = { ...given, log: redactedLog(given.log, given.env ?? process.env) };
  let run: PreparedRun;
  try {
    run = prepareRun(options);
  } catch (error) {
    if (!(error instanceof RunSetupError)) throw error;
    return { exitCode: 1, tenants: [], error: error.message };
  }
  const outcomes = await forEachTenant(
    run,
    { ...options, concurrency: options.concurrency ?? DEFAULT_TENANT_CONCURRENCY },
    async (session): Promise<TenantDeployOutcome> => ({ tenant: session.tenant, ...(await deployOnSession(session, run, options)) }),
    (tenant, message): TenantDeployOutcome => {
      const prepared = run.tenants.find((t) => t.tenant.name === tenant)!;
      return { tenant, ...finish(run, prepared, { exitCode: 1, markdown: "", repairs: [], error: message }, run.env) };
    },
    describeDeploy,
  );
  return { exitCode: combinedExitCode(outcomes.map((o) => o.exitCode)), tenants: outcomes };
}

/** The one-line status of a tenant's deploy. */
function describeDeploy(outcome: TenantDeployOutcome): string {
  if (outcome.exitCode === 1) return `deploy failed: ${(outcome.error ?? "").split("\n")[0]}`;
  const repaired = outcome.repairs.length > 0 ? `, ${outcome.repairs.length} repaired` : "";
  if (outcome.exitCode === 0) return `runs the artifact${repaired}`;
  const kinds = [...new Set(needsRepair(outcome.result?.findings ?? []).map((f) => f.kind))].join(", ");
  return `still differs (${kinds})${repaired}`;
}

/** Apply, verify, repair on `session` (not disposed here); the report is written to <outdir>/deploy/<tenant>.md. */
async function deployOnSession(session: TenantSession, run: PreparedRun, given: Omit<DeployOptions, "tenant">): Promise<DeployOutcome> {
  const prepared = session.prepared;
  const env = given.env ?? process.env;
  const options = { ...given, log: redactedLog(given.log, env) };
  const log = options.log ?? (() => undefined);
  const repairs: string[] = [];
  let applyError: string | undefined;
  let result: VerifyResult | undefined;
  let api: ManagementApi | undefined;
  try {
    for (let round = 1; round <= APPLY_ROUNDS; round++) {
      applyError = await apply(session, options);
      if (applyError !== undefined && lockId(applyError) !== undefined) {
        return finish(run, prepared, { exitCode: 1, markdown: "", repairs, error: applyError }, env);
      }
      api ??= await connectTo(prepared, options);
      result = await verifyOnce(session, options, api);
      if (await repair(api, result, repairs, log, options.deleteUnmanaged === true)) result = await verifyOnce(session, options, api);
      const remaining = needsRepair(result.findings);
      if (remaining.length === 0) break;
      // Only a finding an apply can fix is worth another round (a failed build is not).
      if (!remaining.some((f) => f.kind !== "build")) break;
      if (round < APPLY_ROUNDS) log(`${prepared.tenant.name}: still differs (${remaining.map((f) => f.kind).join(", ")}); applying again`);
    }
  } catch (error) {
    if (!(error instanceof UserFacingError)) throw error;
    // Deploy converges from wherever a run stopped: after a rate limit, running it again is the fix.
    const message = error instanceof RateLimitedError ? `${error.message}: npm run deploy -- ${prepared.tenant.name}` : error.message;
    return finish(run, prepared, { exitCode: 1, markdown: "", repairs, error: [applyError, message].filter(Boolean).join("\n") }, env);
  }
  const final = result as VerifyResult;
  // Unmanaged Actions are not the deploy's to fix: the tenant runs the artifact all the same.
  const exitCode = needsRepair(final.findings).length > 0 ? 2 : 0;
  const failedApply = exitCode !== 0 && applyError ? `\n### Last apply failed\n\n\`\`\`\n${applyError}\n\`\`\`\n` : "";
  const markdown = renderVerifyMarkdown(final, prepared.tenantFile) + renderRepairs(repairs) + failedApply;
  // A failed or pending build is why no apply converges: it leads the error, with the build log's reason.
  const error = [...buildProblems(final), ...(exitCode !== 0 && applyError ? [applyError] : [])].join("\n");
  return finish(run, prepared, { exitCode, markdown, result: final, repairs, ...(error ? { error } : {}) }, env);
}

/** Apply on the session; a failed apply is not the end (verify and repair may still converge): its message is returned. */
async function apply(session: TenantSession, options: Omit<DeployOptions, "tenant">): Promise<string | undefined> {
  try {
    await session.apply({
      lockTimeout: options.lockTimeout ?? "60s",
      onLine: (line) => options.log?.(`${session.tenant}: ${redactSecrets(line, session.env)}`),
      ...(options.onTerraformSpawn ? { onSpawn: options.onTerraformSpawn } : {}),
    });
    return undefined;
  } catch (error) {
    if (!(error instanceof TerraformError)) throw error;
    options.log?.(`${session.tenant}: apply failed; verifying what the tenant runs`);
    return error.message;
  }
}

/** Repairs through the Management API what no apply sees. Returns whether anything was changed. */
async function repair(
  api: ManagementApi,
  result: VerifyResult,
  repairs: string[],
  log: (line: string) => void,
  deleteUnmanaged: boolean,
): Promise<boolean> {
  let changed = false;
  for (const finding of result.findings) {
    const status = result.actions.find((a) => a.address === finding.address);
    if ((finding.kind === "undeployed-draft" || finding.kind === "never-deployed") && finding.actionId && status) {
      // Only the reviewed code is deployed: a draft someone else saved is left for apply to overwrite.
      const draft = status.draftSha256 ?? (finding.kind === "never-deployed" ? status.artifactSha256 : undefined);
      if (draft !== status.artifactSha256) continue;
      // A run killed between save and deploy leaves a draft that may still be building: wait for it, as the provider would.
      if (status.build !== undefined && status.build !== "built") {
        if (status.build === "failed") continue;
        log(`${result.tenant}: waiting for the build of ${finding.address} (${status.build})`);
        if ((await waitForBuild(api, finding.actionId)) !== "built") continue;
      }
      log(`${result.tenant}: deploying the saved draft of ${finding.address} (Action ${finding.actionId})`);
      await deployAction(api, finding.actionId);
      repairs.push(
        `deployed the saved draft of \`${finding.address}\` (Action ${finding.actionId}, sha256 ${status.artifactSha256.slice(0, 12)})`,
      );
      changed = true;
    }
    if (
      finding.kind === "orphan" &&
      finding.actionId &&
      result.actions.some((a) => a.address === finding.address && a.actionId !== undefined)
    ) {
      log(`${result.tenant}: deleting orphan Action ${finding.actionId} (${finding.address} is ${status?.actionId})`);
      // Provably unbound (compare.ts): a plain delete, so a binding made meanwhile stops it with 409.
      await deleteAction(api, finding.actionId, false);
      repairs.push(`deleted orphan Action ${finding.actionId} named like \`${finding.address}\` (not in state)`);
      changed = true;
    }
  }
  const unmanaged = result.findings.flatMap((f) => (f.kind === "unmanaged" && f.unmanaged ? [f.unmanaged] : []));
  if (unmanaged.length === 0) return changed;
  if (!deleteUnmanaged) {
    log(`${result.tenant}: leaving ${unmanaged.length} unmanaged Action(s) alone (adopt them, or rerun with --delete-unmanaged)`);
    return changed;
  }
  for (const line of unmanagedSummary(unmanaged)) log(`${result.tenant}: ${line}`);
  for (const action of unmanaged) {
    // Auth0 answers 409 to deleting a bound Action: unbind first, keeping every other binding.
    for (const trigger of [...new Set(action.boundTo.map((b) => b.split(" #")[0]))]) {
      log(`${result.tenant}: unbinding unmanaged Action ${action.id} from ${trigger}`);
      await unbindAction(api, trigger, action.id);
    }
    log(`${result.tenant}: deleting unmanaged Action ${action.id} ("${action.name}")`);
    await deleteAction(api, action.id, false);
    repairs.push(
      `deleted unmanaged Action ${action.id} "${action.name}" (--delete-unmanaged; ${action.boundTo.length > 0 ? `unbound from ${action.boundTo.join(", ")}` : "was unbound"})`,
    );
  }
  return true;
}

/** What --delete-unmanaged is about to remove, as a plan would show it. */
export function unmanagedSummary(actions: readonly UnmanagedAction[]): string[] {
  return [
    `--delete-unmanaged: ${actions.length} Action(s) to unbind and delete`,
    ...actions.map(
      (a) =>
        `  - "${a.name}" ${a.id}: ${a.boundTo.length > 0 ? `bound to ${a.boundTo.join(", ")}` : "not bound"}, ${a.deployed ? "deployed" : "never deployed"}`,
    ),
  ];
}

/** One line per Action whose build failed (with the build log's reason) or has not finished. */
function buildProblems(result: VerifyResult): string[] {
  return result.findings.filter((f) => f.kind === "build").map((f) => `${f.address ?? f.actionId}: ${f.message}`);
}

function renderRepairs(repairs: readonly string[]): string {
  return repairs.length === 0 ? "" : `\n### Repaired by deploy\n\n${repairs.map((r) => `- ${r}`).join("\n")}\n`;
}

function finish(run: PreparedRun, prepared: PreparedTenant, outcome: DeployOutcome, env: NodeJS.ProcessEnv): DeployOutcome {
  const markdown =
    outcome.markdown ||
    `## Deploy: ${prepared.tenant.name} (${prepared.tenantFile})\n\n**Deploy failed**\n\n\`\`\`\n${outcome.error ?? ""}\n\`\`\`\n`;
  const safe = {
    ...outcome,
    markdown: redactSecrets(markdown, env),
    ...(outcome.error ? { error: redactSecrets(outcome.error, env) } : {}),
  };
  mkdirSync(join(run.outdir, "deploy"), { recursive: true });
  writeFileSync(join(run.outdir, "deploy", `${prepared.tenant.name}.md`), safe.markdown);
  return safe;
}
