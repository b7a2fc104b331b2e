/**
 * `npm run rollback -- <tenant> --to <n | git ref> [--action <handler>]`: Auth0's roll-back (deploy
 * an earlier version of each managed Action, one call each), checked first and verified after, with
 * the repository and Terraform brought in line:
 *   - refused before anything changes when a version is gone (Auth0 keeps 50), when the code never
 *     ran on this tenant or its upstream, or when the version needs secrets the Action no longer has;
 *   - the draft is saved with the version's code too, so the provider (which reads the draft) sees
 *     the rolled-back code: a plan of the reverted commit is a no-op;
 *   - the revert is written as a commit on a new branch rollback/<tenant>-v<n> for a pull request,
 *     never touching the checkout; until it lands, plan, verify and drift report "rolled back".
 * Exit code: 0 rolled back and verified, 1 refused or failed.
 */
import { loadTenants } from "../config/load-tenants";
import { UserFacingError } from "../errors";
import {
  actionsNamed,
  deployVersion,
  getAction,
  saveDraftCode,
  versionsOf,
  waitForBuild,
  type Action,
  type ActionVersion,
} from "../management-api/actions";
import { connectManagementApi, type ManagementApi } from "../management-api/client";
import { REPO_ROOT } from "../paths";
import { fromTenantEnv } from "../promote/promote";
import { readDeclaredStack, type DeclaredAction } from "../terraform/declared-stack";
import { redactedLog, redactSecrets } from "../terraform/redaction";
import { withTenantSession } from "../terraform/session";
import { prepareRun, RunSetupError, type PreparedTenant, type TenantRunOptions } from "../terraform/tenant-run";
import { terraformName } from "../triggers";
import { sha256 } from "../verify/compare";
import { connectTo, verifyOnce } from "../verify/run-verify";
import { codeAtCommit, type CodeAtCommit } from "./code-at-ref";
import { commitsChangingActions, resolveCommit, writeRevertBranch, type GitContext, type RevertWritten } from "./git";

export interface RollbackOptions extends Omit<TenantRunOptions, "selection" | "placeholderSecrets" | "artifactDir"> {
  tenant: string;
  /** A version number ("3") or a git ref of this repository. */
  to: string;
  /** Only the Action of this handler (e.g. add-metadata-claims); default every managed Action. */
  action?: string;
  /** Retries and backoff of Management API calls (tests shorten them). */
  api?: { retries?: number; minBackoffMs?: number };
  /** The code each Action has at a commit; default: synthesize that commit in a temporary directory. */
  codeAt?: CodeAtCommit;
  /** How many commits that changed actions/ are searched for the code of `--to <n>`. @default 20 */
  searchCommits?: number;
}

export interface RolledBackAction {
  address: string;
  name: string;
  /** The version rolled back to. */
  version: number;
  /** The new version Auth0 made from it. */
  deployedVersion?: number;
  sha256: string;
}

export interface RollbackOutcome {
  exitCode: 0 | 1;
  /** What happened and what to run next, or why nothing was done. */
  message: string;
  actions: RolledBackAction[];
  revert?: RevertWritten;
}

class Refusal extends UserFacingError {}

interface Plan {
  declared: DeclaredAction;
  action: Action;
  version: ActionVersion;
}

export async function rollbackTenant(given: RollbackOptions): Promise<RollbackOutcome> {
  const env = given.env ?? process.env;
  const redacted = redactedLog(given.log, env);
  const log = (line: string) => redacted?.(line);
  const options = { ...given, env, log };
  const gitCtx: GitContext = { cwd: REPO_ROOT, env };
  const fail = (message: string): RollbackOutcome => ({ exitCode: 1, message: redactSecrets(message, env), actions: [] });
  let prepared: PreparedTenant;
  let runEnv: NodeJS.ProcessEnv;
  try {
    // Nothing is planned or applied: write-only secret values are not needed.
    const run = prepareRun({ ...options, selection: [given.tenant], placeholderSecrets: true });
    [prepared] = run.tenants;
    runEnv = run.env;
  } catch (error) {
    if (error instanceof RunSetupError) return fail(error.message);
    throw error;
  }
  const tenant = prepared.tenant;
  try {
    const selected = selectActions(readDeclaredStack(prepared.stackDir).actions, given.action, prepared.tenantFile);
    const byNumber = /^[1-9][0-9]*$/.test(given.to) ? Number(given.to) : undefined;
    const targetCommit = byNumber === undefined ? await resolveCommit(gitCtx, given.to) : undefined;
    const codeAt = given.codeAt ?? codeAtCommit(gitCtx, given.tenantsDir ?? env.TENANTS_DIR ?? `${REPO_ROOT}/tenants`, tenant.name);
    const wanted = targetCommit ? await codeAt(targetCommit) : undefined;

    return await withTenantSession(prepared, { env: runEnv }, options, async (session) => {
      const ids = await session.actionIds();
      const api = await connectTo(prepared, options);
      const plans: Plan[] = [];
      for (const declared of selected) {
        const id = ids[declared.address];
        if (!id) throw new Refusal(`the state of ${tenant.name} records no ${declared.address}: nothing deployed to roll back`);
        const action = await getAction(api, id);
        const versions = await versionsOf(api, id);
        const version =
          byNumber !== undefined
            ? versionByNumber(versions, byNumber, declared, tenant.name)
            : await versionWithCode(versions, wanted![declared.address], declared, given.to, tenant, env, options);
        checkSecrets(action, version, declared, tenant.name);
        plans.push({ declared, action, version });
      }

      const rolled: RolledBackAction[] = [];
      for (const { declared, action, version } of plans) {
        const code = version.code!;
        if (action.deployed_version?.code === code && action.code === code) {
          log(`${tenant.name}: "${declared.name}" already runs v${version.number}'s code`);
          rolled.push({ address: declared.address, name: declared.name, version: version.number!, sha256: sha256(code) });
          continue;
        }
        log(`${tenant.name}: deploying v${version.number} of "${declared.name}" again`);
        const made = await deployVersion(api, action.id, version.id);
        // The provider reads the draft: saving the version's code there keeps a plan of the reverted commit a no-op.
        await saveDraftCode(api, action.id, code);
        await waitForBuild(api, action.id);
        rolled.push({
          address: declared.address,
          name: declared.name,
          version: version.number!,
          deployedVersion: made.number,
          sha256: sha256(code),
        });
      }

      const result = await verifyOnce(session, options, api);
      const notRunning = rolled.filter((r) => result.actions.find((a) => a.address === r.address)?.deployedSha256 !== r.sha256);
      if (notRunning.length > 0)
        return fail(
          `rolled back, but ${tenant.name} does not run it: ${notRunning.map((r) => `"${r.name}"`).join(", ")} (run npm run verify -- ${tenant.name})`,
        );

      const version = byNumber ?? rolled[0].version;
      const commit = targetCommit ?? (await commitWithCode(gitCtx, codeAt, rolled, given.searchCommits ?? 20));
      const summary = rolled.map(
        (r) =>
          `${r.address} ("${r.name}"): v${r.version}${r.deployedVersion ? ` deployed again as v${r.deployedVersion}` : ""}, code sha256 ${r.sha256.slice(0, 12)}`,
      );
      const revert = commit ? await writeRevertBranch(gitCtx, { tenant: tenant.name, version, target: commit, summary }) : undefined;
      const lines = [`rolled back ${tenant.name} to v${version}; verified: the tenant runs that code`, ...summary.map((s) => `  ${s}`)];
      if (revert && "commit" in revert)
        lines.push(
          `revert written on branch ${revert.branch} (commit ${revert.commit.slice(0, 12)}: actions/ as at ${commit!.slice(0, 12)}); open a pull request from it.`,
          `until it lands, plan, verify and drift report "rolled back to v${version}"; after it lands, the plan of ${tenant.name} shows no change.`,
        );
      else if (revert)
        lines.push(`no revert needed: HEAD's actions/ already is the code of v${version} (${commit!.slice(0, 12)}); nothing written.`);
      else
        lines.push(
          `no revert branch written: none of the last ${given.searchCommits ?? 20} commits that changed actions/ builds that code.`,
          `find the commit, then: npm run rollback -- ${tenant.name} --to <commit> (already deployed: it only writes the branch)`,
        );
      return { exitCode: 0, message: lines.join("\n"), actions: rolled, ...(revert ? { revert } : {}) };
    });
  } catch (error) {
    if (error instanceof UserFacingError) return fail(`refusing to roll back ${tenant.name}: ${error.message}`);
    throw error;
  }
}

function selectActions(actions: readonly DeclaredAction[], handler: string | undefined, tenantFile: string): DeclaredAction[] {
  if (handler === undefined) return [...actions];
  const address = `auth0_action.${terraformName(handler)}`;
  const found = actions.filter((a) => a.address === address);
  if (found.length === 0) {
    const handlers = actions.map((a) => a.address.replace(/^auth0_action\./, "").replace(/_/g, "-"));
    throw new Refusal(`--action ${handler}: ${tenantFile} declares no such Action; it declares: ${handlers.join(", ")}`);
  }
  return found;
}

function versionByNumber(versions: readonly ActionVersion[], n: number, declared: DeclaredAction, tenant: string): ActionVersion {
  const found = versions.find((v) => v.number === n);
  if (found?.code !== undefined) return found;
  const numbers = versions.map((v) => v.number ?? 0).filter((x) => x > 0);
  const newest = Math.max(0, ...numbers);
  if (n > newest) throw new Refusal(`"${declared.name}" has no version ${n} on ${tenant} (its newest is v${newest})`);
  throw new Refusal(
    `v${n} of "${declared.name}" is no longer in ${tenant}'s version history: Auth0 keeps the latest 50 versions (v${Math.min(...numbers)}–v${newest} remain); roll back to one of those, or revert the code and deploy`,
  );
}

async function versionWithCode(
  versions: readonly ActionVersion[],
  wanted: string | undefined,
  declared: DeclaredAction,
  ref: string,
  tenant: PreparedTenant["tenant"],
  env: NodeJS.ProcessEnv,
  options: RollbackOptions,
): Promise<ActionVersion> {
  if (wanted === undefined) throw new Refusal(`${ref} does not declare ${declared.address} for ${tenant.name}: nothing to roll back to`);
  // The newest version with that code: the one that ran last.
  const found = [...versions]
    .sort((a, b) => (b.number ?? 0) - (a.number ?? 0))
    .find((v) => v.code !== undefined && sha256(v.code) === wanted);
  if (found) return found;
  const upstream = tenant.promotes_from;
  const ranUpstream = upstream !== undefined && (await upstreamRan(upstream, declared.name, wanted, env, options));
  throw new Refusal(
    ranUpstream
      ? `the code of "${declared.name}" at ${ref} (sha256 ${wanted.slice(0, 12)}) ran on ${upstream} but no version of ${tenant.name} has it (gone with Auth0's 50-version cap, or never promoted): promote it instead`
      : `the code of "${declared.name}" at ${ref} (sha256 ${wanted.slice(0, 12)}) never ran on ${tenant.name}${upstream ? ` or its upstream ${upstream}` : ""}: a roll-back only returns to code that ran; revert the code and deploy it through review`,
  );
}

/** Whether any version of an Action named `name` on the upstream tenant has code `wanted` (FROM_AUTH0_* credentials when set, as promote reads it). */
async function upstreamRan(
  upstream: string,
  name: string,
  wanted: string,
  env: NodeJS.ProcessEnv,
  options: RollbackOptions,
): Promise<boolean> {
  const tenants = options.tenants ?? loadTenants(options.tenantsDir ?? env.TENANTS_DIR ?? `${REPO_ROOT}/tenants`);
  const domain = tenants.find((t) => t.name === upstream)?.domain;
  if (!domain) return false;
  const api: ManagementApi = await connectManagementApi({ domain, env: fromTenantEnv(env), ...(options.api ?? {}) });
  for (const action of await actionsNamed(api, name))
    if ((await versionsOf(api, action.id)).some((v) => v.code !== undefined && sha256(v.code) === wanted)) return true;
  return false;
}

function checkSecrets(action: Action, version: ActionVersion, declared: DeclaredAction, tenant: string): void {
  const current = new Set((action.secrets ?? []).map((s) => s.name));
  const gone = (version.secrets ?? []).map((s) => s.name).filter((name) => !current.has(name));
  if (gone.length > 0)
    throw new Refusal(
      `v${version.number} of "${declared.name}" on ${tenant} was deployed with secret${gone.length > 1 ? "s" : ""} ${gone.join(", ")}, which the Action no longer has: it would run without ${gone.length > 1 ? "them" : "it"}`,
    );
}

/** The newest commit that changed actions/ and builds exactly the rolled-back code of every Action. */
async function commitWithCode(
  ctx: GitContext,
  codeAt: CodeAtCommit,
  rolled: readonly RolledBackAction[],
  max: number,
): Promise<string | undefined> {
  for (const commit of await commitsChangingActions(ctx, max)) {
    const codes = await codeAt(commit).catch((): Record<string, string> => ({}));
    if (rolled.every((r) => codes[r.address] === r.sha256)) return commit;
  }
  return undefined;
}
