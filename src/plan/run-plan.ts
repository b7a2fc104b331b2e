/**
 * `npm run plan`: for each selected tenant, plan the synthesized stack, turn the saved plan's JSON
 * into a review and write it as Markdown to <outdir>/review/<tenant>.md. Exit code as
 * `terraform plan -detailed-exitcode`: 0 no changes, 2 changes, 1 error.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../paths";
import { baseCandidates, changedActionSources } from "./action-sources";
import { redactedLog, redactSecrets } from "../terraform/redaction";
import { renderReviewMarkdown } from "./render-markdown";
import { needsRepair } from "../verify/compare";
import { deploymentFindings } from "../verify/deployment-findings";
import { buildReview, type PlanReview } from "./review";
import type { ChangedSources } from "./review-types";
import { combinedExitCode, prepareRun, RunSetupError, type TenantRunOptions } from "../terraform/tenant-run";
import { DEFAULT_TENANT_CONCURRENCY, forEachTenant } from "../terraform/session";

export interface PlanOptions extends TenantRunOptions {
  /** false: plan against recorded state without asking Auth0 (`-refresh=false`). Default true. */
  refresh?: boolean;
  /** Base branch for "Action sources changed since"; default the PR base, origin/main, main. */
  base?: string;
  /** Given by tests to keep reviews independent of the checkout's git history. */
  changedSources?: ChangedSources;
  /** How many tenants plan at once (`--concurrency`). Default DEFAULT_TENANT_CONCURRENCY (4). */
  concurrency?: number;
}

export interface TenantPlanOutcome {
  tenant: string;
  exitCode: 0 | 1 | 2;
  /** The review (or the error) as Markdown, as written to reviewFile. */
  markdown: string;
  reviewFile: string;
  review?: PlanReview;
  error?: string;
}

export interface PlanOutcome {
  exitCode: 0 | 1 | 2;
  tenants: TenantPlanOutcome[];
  /** Set when nothing could be planned (bad tenant files, no credentials, ...). */
  error?: string;
}

export async function planTenants(given: PlanOptions): Promise<PlanOutcome> {
  const outdir = given.outdir ?? join(REPO_ROOT, "cdktf.out");
  const env = given.env ?? process.env;
  const options: PlanOptions = { ...given, log: redactedLog(given.log, env) };
  let run;
  try {
    run = prepareRun(options);
  } catch (error) {
    if (!(error instanceof RunSetupError)) throw error;
    const tenants = error.requested.map((tenant) => recordFailure(outdir, tenant, error.message));
    return { exitCode: 1, tenants, error: error.message };
  }
  const changedSources = options.changedSources ?? changedActionSources(REPO_ROOT, baseCandidates(options.base, env));
  const notes = [
    ...(options.localStateDir ? ["Planned against a local state file (--local-state), not the backend in the tenant file."] : []),
    ...(options.refresh === false ? ["Planned with -refresh=false: compared with the recorded state, not with what is in Auth0 now."] : []),
  ];
  // Saved-but-undeployed drafts and orphans: no plan shows them (the provider reads drafts, and only
  // what the state knows). Read from the tenant itself, with the Action ids of the plan's prior state;
  // not for --local-state or -refresh=false plans, which do not compare with the tenant's real state.
  const readsTenant = !options.localStateDir && options.refresh !== false;
  const outcomes = await forEachTenant(
    run,
    { ...options, concurrency: options.concurrency ?? DEFAULT_TENANT_CONCURRENCY },
    async (session): Promise<TenantPlanOutcome> => {
      const { tenant, tenantFile, declaredFlows } = session.prepared;
      const { exitCode, plan } = await session.plan(options.refresh === false ? ["-refresh=false"] : []);
      const review = buildReview(plan, {
        tenant: tenant.name,
        tenantFile,
        flows: declaredFlows,
        changedSources,
        ...(notes.length > 0 ? { stateNote: notes.join(" ") } : {}),
      });
      const check = readsTenant ? await deploymentFindings(session, { ...options, env }) : undefined;
      // An unmanaged Action is reported, but no deploy changes it: the plan's exit code ignores it.
      const pending = check !== undefined && "findings" in check && needsRepair(check.findings).length > 0;
      // Defence in depth: the review never holds secret values, and this makes sure of it.
      const markdown = redactSecrets(`${renderReviewMarkdown(review).trimEnd()}\n${check?.markdown ?? ""}`, env);
      return {
        tenant: tenant.name,
        exitCode: pending ? 2 : exitCode,
        markdown,
        reviewFile: writeReview(outdir, tenant.name, markdown),
        review,
      };
    },
    (tenant, message) => recordFailure(outdir, tenant, message),
    describePlan,
  );
  return { exitCode: combinedExitCode(outcomes.map((o) => o.exitCode)), tenants: outcomes };
}

/** The one-line status of a tenant's plan, as Terraform summarises one. */
function describePlan(outcome: TenantPlanOutcome): string {
  if (outcome.error !== undefined || !outcome.review) return `plan failed: ${(outcome.error ?? "").split("\n")[0]}`;
  const { add, change, destroy } = outcome.review.counts;
  const pending = outcome.exitCode === 2 && add + change + destroy === 0 ? "; deployed versions differ" : "";
  return `${add} to add, ${change} to change, ${destroy} to destroy${pending}`;
}

/** A review file that says the plan failed, so a pull request comment shows it instead of nothing. */
function recordFailure(outdir: string, tenant: string, message: string): TenantPlanOutcome {
  const markdown = renderFailureMarkdown(tenant, message);
  return { tenant, exitCode: 1, markdown, reviewFile: writeReview(outdir, tenant, markdown), error: message };
}

export function renderFailureMarkdown(tenant: string, message: string, title = "Plan"): string {
  const body = message.split("\n");
  return [
    `## ${title} for tenant \`${tenant}\``,
    "",
    "> [!CAUTION]",
    `> **The ${title.toLowerCase()} failed:** ${body[0]}`,
    ...(body.length > 1 ? [">", "> ```text", ...body.slice(1).map((l) => `> ${l}`), "> ```"] : []),
    "",
  ].join("\n");
}

export function reviewFilePath(outdir: string, tenant: string): string {
  return join(outdir, "review", `${tenant}.md`);
}

function writeReview(outdir: string, tenant: string, markdown: string): string {
  const file = reviewFilePath(outdir, tenant);
  mkdirSync(join(outdir, "review"), { recursive: true });
  writeFileSync(file, markdown);
  return file;
}
