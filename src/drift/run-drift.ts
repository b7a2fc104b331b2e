/**
 * `npm run drift`: a refresh-only plan per tenant (Terraform reads every managed resource from
 * Auth0 and compares it with the recorded state), reported from `terraform show -json`.
 * Exit code: 0 no drift, 2 drift, 1 error. Reports go to <outdir>/drift/<tenant>.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../paths";
import { redactedLog, redactSecrets } from "../terraform/redaction";
import { renderFailureMarkdown } from "../plan/run-plan";
import { combinedExitCode, prepareRun, RunSetupError, type TenantRunOptions } from "../terraform/tenant-run";
import { forEachTenant } from "../terraform/session";
import { buildDriftReport, type DriftReport } from "./drift-report";
import { renderDriftMarkdown } from "./render-drift";
import type { Finding } from "../verify/compare";
import { deploymentFindings } from "../verify/deployment-findings";

export interface TenantDriftOutcome {
  tenant: string;
  exitCode: 0 | 1 | 2;
  markdown: string;
  report?: DriftReport;
  /** Saved-but-undeployed drafts and orphans, read from the Management API. */
  deployment?: Finding[];
  error?: string;
}

export interface DriftOutcome {
  exitCode: 0 | 1 | 2;
  tenants: TenantDriftOutcome[];
  error?: string;
}

export async function driftTenants(given: TenantRunOptions): Promise<DriftOutcome> {
  const outdir = given.outdir ?? join(REPO_ROOT, "cdktf.out");
  const env = given.env ?? process.env;
  const options: TenantRunOptions = { ...given, log: redactedLog(given.log, env) };
  let run;
  try {
    run = prepareRun(options);
  } catch (error) {
    if (!(error instanceof RunSetupError)) throw error;
    return { exitCode: 1, tenants: [], error: error.message };
  }
  const outcomes = await forEachTenant(
    run,
    options,
    async (session): Promise<TenantDriftOutcome> => {
      const name = session.tenant;
      const { plan } = await session.plan(["-refresh-only"]);
      const report = buildDriftReport(plan, { tenant: name, tenantFile: session.prepared.tenantFile });
      // Output-only differences (a new output not yet applied) are not drift: only resources count.
      const planned: TenantDriftOutcome = { tenant: name, exitCode: report.drifted.length > 0 ? 2 : 0, markdown: "", report };
      // Drafts saved but not deployed, and orphans: invisible to a refresh-only plan, drift all the same.
      // Not with --local-state: that state is not the tenant's, so its ids say nothing about orphans.
      const check = options.localStateDir ? undefined : await deploymentFindings(session, { ...options, env });
      const markdown = redactSecrets(`${renderDriftMarkdown(report).trimEnd()}\n${check?.markdown ?? ""}`, env);
      writeReport(outdir, name, markdown);
      if (check === undefined) return { ...planned, markdown };
      if ("error" in check) return { ...planned, markdown, exitCode: 1, error: redactSecrets(check.error, env) };
      return { ...planned, markdown, exitCode: check.findings.length > 0 ? 2 : planned.exitCode, deployment: check.findings };
    },
    (tenant, message): TenantDriftOutcome => {
      // A report that says the check failed, as the plan review does, so a scheduled run shows why.
      const markdown = renderFailureMarkdown(tenant, message, "Drift check");
      writeReport(outdir, tenant, markdown);
      return { tenant, exitCode: 1, markdown, error: message };
    },
  );
  return { exitCode: combinedExitCode(outcomes.map((o) => o.exitCode)), tenants: outcomes };
}

function writeReport(outdir: string, tenant: string, markdown: string): void {
  mkdirSync(join(outdir, "drift"), { recursive: true });
  writeFileSync(join(outdir, "drift", `${tenant}.md`), markdown);
}
