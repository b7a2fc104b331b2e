/**
 * `npm run deploy -- <tenant>`: the deploy that guarantees what runs is what was reviewed.
 *   1. terraform apply of this commit's stack;
 *   2. verify: read the tenant's deployed versions, bindings and same-named Actions back from the
 *      Management API (Terraform's provider reads drafts, not deployed versions);
 *   3. repair what apply cannot see: deploy a saved-but-undeployed draft that is the reviewed code
 *      (POST /api/v2/actions/actions/{id}/deploy), delete orphans (same name, not in state);
 *   4. anything else still differing gets one more apply, then a final verify.
 * Management API calls retry 429 (after X-RateLimit-Reset) and 5xx with backoff.
 * Exit code: 0 the tenant runs the artifact, 2 it still differs (report says how), 1 error.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deleteAction, deployAction, waitForBuild } from "../management-api/actions";
import { ManagementApiError, type ManagementApi } from "../management-api/client";
import { lockId, terraformApply, terraformInit } from "../terraform/commands";
import { TerraformError } from "../terraform/errors";
import { redactSecrets } from "../terraform/credentials";
import { prepareRun, RunSetupError, type PreparedRun, type PreparedTenant } from "../terraform/tenant-run";
import { openStackWorkdir } from "../terraform/workdir";
import type { VerifyResult } from "../verify/compare";
import { ArtifactReadError } from "../verify/declared";
import { renderVerifyMarkdown } from "../verify/render";
import { connectTo, verifyOnce, type VerifyOptions } from "../verify/run-verify";

export interface DeployOptions extends Omit<VerifyOptions, "selection"> {
  tenant: string;
  /** Terraform's -lock-timeout for apply; default "60s". */
  lockTimeout?: string;
  /** Called with terraform's process id each time apply starts (fault tests kill it). */
  onTerraformSpawn?: (pid: number) => void;
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

export async function deployTenant(options: DeployOptions): Promise<DeployOutcome> {
  let run: PreparedRun;
  try {
    run = prepareRun({ ...options, selection: [options.tenant] });
  } catch (error) {
    if (!(error instanceof RunSetupError)) throw error;
    return { exitCode: 1, markdown: "", repairs: [], error: error.message };
  }
  return deployPrepared(run.tenants[0], run, options);
}

/** The deploy of one synthesized (or artifact) stack: apply, verify, repair, apply again if needed. */
export async function deployPrepared(
  prepared: PreparedTenant,
  run: PreparedRun,
  options: Omit<DeployOptions, "tenant">,
): Promise<DeployOutcome> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const repairs: string[] = [];
  let applyError: string | undefined;
  let result: VerifyResult | undefined;
  let api: ManagementApi | undefined;
  try {
    for (let round = 1; round <= APPLY_ROUNDS; round++) {
      applyError = await apply(prepared, run, options);
      if (applyError !== undefined && lockId(applyError) !== undefined) {
        return finish(run, prepared, { exitCode: 1, markdown: "", repairs, error: applyError }, env);
      }
      api ??= await connectTo(prepared, options);
      result = await verifyOnce(prepared, run, options, api);
      if (await repair(api, result, repairs, log)) result = await verifyOnce(prepared, run, options, api);
      if (result.exitCode === 0) break;
      // Only a finding an apply can fix is worth another round (a failed build is not).
      if (!result.findings.some((f) => f.kind !== "build")) break;
      if (round < APPLY_ROUNDS)
        log(`${prepared.tenant.name}: still differs (${result.findings.map((f) => f.kind).join(", ")}); applying again`);
    }
  } catch (error) {
    if (!(error instanceof TerraformError || error instanceof ManagementApiError || error instanceof ArtifactReadError)) throw error;
    return finish(
      run,
      prepared,
      { exitCode: 1, markdown: "", repairs, error: [applyError, error.message].filter(Boolean).join("\n") },
      env,
    );
  }
  const final = result as VerifyResult;
  const failedApply = final.exitCode !== 0 && applyError ? `\n### Last apply failed\n\n\`\`\`\n${applyError}\n\`\`\`\n` : "";
  const markdown = renderVerifyMarkdown(final, prepared.tenantFile) + renderRepairs(repairs) + failedApply;
  return finish(
    run,
    prepared,
    { exitCode: final.exitCode, markdown, result: final, repairs, ...(final.exitCode !== 0 && applyError ? { error: applyError } : {}) },
    env,
  );
}

/** init + apply; a failed apply is not the end (verify and repair may still converge): its message is returned. */
async function apply(prepared: PreparedTenant, run: PreparedRun, options: Omit<DeployOptions, "tenant">): Promise<string | undefined> {
  const name = prepared.tenant.name;
  const workdir = openStackWorkdir(prepared.stackDir, name, { localStateDir: options.localStateDir });
  try {
    options.log?.(`${name}: terraform init`);
    await terraformInit(workdir.dir, run.env);
    options.log?.(`${name}: terraform apply`);
    await terraformApply(workdir.dir, run.env, {
      lockTimeout: options.lockTimeout ?? "60s",
      stackDir: prepared.stackDir,
      onLine: (line) => options.log?.(`${name}: ${redactSecrets(line, run.env)}`),
      ...(options.onTerraformSpawn ? { onSpawn: options.onTerraformSpawn } : {}),
    });
    return undefined;
  } catch (error) {
    if (!(error instanceof TerraformError)) throw error;
    options.log?.(`${name}: apply failed; verifying what the tenant runs`);
    return error.message;
  } finally {
    workdir.dispose();
  }
}

/** Repairs through the Management API what no apply sees. Returns whether anything was changed. */
async function repair(api: ManagementApi, result: VerifyResult, repairs: string[], log: (line: string) => void): Promise<boolean> {
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
      await deleteAction(api, finding.actionId, true);
      repairs.push(`deleted orphan Action ${finding.actionId} named like \`${finding.address}\` (not in state)`);
      changed = true;
    }
  }
  return changed;
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
