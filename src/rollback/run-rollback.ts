/**
 * `npm run rollback -- <tenant> --to <n | git ref> [--action <handler>]`: Auth0's roll-back (deploy
 * an earlier version of each managed Action, one call each), checked first and verified after, with
 * the repository and Terraform brought in line:
 *   - refused before anything changes when a version is unknown or gone (Auth0 keeps 50), when the
 *     code never ran on this tenant or its upstream, or when the version needs secrets the Action
 *     no longer has;
 *   - the version is deployed with `update_draft: true`, so the draft (which Terraform's provider
 *     reads) is the version's code and module pins too: a plan of the reverted commit is a no-op;
 *   - the revert is written as a commit on a new branch rollback/<tenant>-v<n> for a pull request,
 *     never touching the checkout; until it lands, plan, verify and drift report "rolled back".
 * Exit code: 0 rolled back and verified, 1 refused or failed.
 */
import { loadTenants } from "../config/load-tenants";
import { UserFacingError } from "../errors";
import { getModule, moduleVersion, rollbackModuleDraft } from "../management-api/action-modules";
import { versionContent } from "../management-api/action-versions";
import {
  actionsNamed,
  deployVersion,
  getAction,
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
import {
  checkNumberNamesOneAction,
  checkSecrets,
  newestWithContent,
  parseTarget,
  RollbackRefusal,
  sameContent,
  versionByNumber,
  type DeclaredContent,
  type RollbackTarget,
} from "./rules";

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
  /** What the version runs: its code and module code (sha256). */
  content: DeclaredContent;
}

export interface RollbackOutcome {
  exitCode: 0 | 1;
  /** What happened and what to run next, or why nothing was done. */
  message: string;
  actions: RolledBackAction[];
  revert?: RevertWritten;
}

interface Step {
  declared: DeclaredAction;
  action: Action;
  version: ActionVersion;
  content: DeclaredContent;
}

export async function rollbackTenant(given: RollbackOptions): Promise<RollbackOutcome> {
  const env = given.env ?? process.env;
  const redacted = redactedLog(given.log, env);
  const log = (line: string) => redacted?.(line);
  const options = { ...given, env, log };
  // git runs with the tenant's environment: GIT_DIR there selects another repository (tests, embedding).
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
  const target = parseTarget(given.to);
  try {
    const selected = selectActions(readDeclaredStack(prepared.stackDir).actions, given.action, prepared.tenantFile);
    checkNumberNamesOneAction(target, selected, tenant.name);
    const targetCommit = "ref" in target ? await resolveCommit(gitCtx, target.ref) : undefined;
    const codeAt = given.codeAt ?? codeAtCommit(gitCtx, given.tenantsDir ?? env.TENANTS_DIR ?? `${REPO_ROOT}/tenants`, tenant.name);
    const wanted = targetCommit ? await codeAt(targetCommit) : undefined;

    return await withTenantSession(prepared, { env: runEnv }, options, async (session) => {
      const ids = await session.actionIds();
      const api = await connectTo(prepared, options);
      const steps = await checkedSteps(api, ids, selected, { target, wanted, tenant, env, options });
      const rolled = await deploySteps(api, steps, tenant.name, log);

      const result = await verifyOnce(session, options, api);
      const notRunning = rolled.filter((r) => result.actions.find((a) => a.address === r.address)?.deployedSha256 !== r.sha256);
      if (notRunning.length > 0)
        return fail(
          `rolled back, but ${tenant.name} does not run it: ${notRunning.map((r) => `"${r.name}"`).join(", ")} (run npm run verify -- ${tenant.name})`,
        );
      const commit = targetCommit ?? (await commitWithContent(gitCtx, codeAt, rolled, given.searchCommits ?? 20));
      return revertAndReport(
        gitCtx,
        tenant.name,
        "version" in target ? target.version : rolled[0].version,
        commit,
        rolled,
        given.searchCommits ?? 20,
      );
    });
  } catch (error) {
    if (error instanceof UserFacingError) return fail(`refusing to roll back ${tenant.name} to ${target.text}: ${error.message}`);
    throw error;
  }
}

/**
 * The version each selected Action goes back to (by number, or the one with the code `wanted` at a ref),
 * checked before anything changes: recorded in state, kept by Auth0, and its secrets still there.
 */
async function checkedSteps(
  api: ManagementApi,
  ids: Readonly<Record<string, string>>,
  selected: readonly DeclaredAction[],
  ctx: {
    target: RollbackTarget;
    wanted: Record<string, DeclaredContent> | undefined;
    tenant: PreparedTenant["tenant"];
    env: NodeJS.ProcessEnv;
    options: RollbackOptions;
  },
): Promise<Step[]> {
  const { target, wanted, tenant, env, options } = ctx;
  const contentOf = versionContentReader(api);
  const steps: Step[] = [];
  for (const declared of selected) {
    const id = ids[declared.address];
    if (!id) throw new RollbackRefusal(`the state of ${tenant.name} records no ${declared.address}: nothing deployed to roll back`);
    const action = await getAction(api, id);
    const versions = await versionsOf(api, id);
    await contentOf.load(versions);
    const version =
      "version" in target
        ? versionByNumber(versions, target.version, declared.name, tenant.name)
        : await versionWithContent(versions, contentOf, wanted![declared.address], declared, target.ref, tenant, env, options);
    checkSecrets(action, version, declared.name, tenant.name);
    steps.push({ declared, action, version, content: contentOf.get(version)! });
  }
  return steps;
}

/** Deploys each step's version again (with its draft and module drafts), unless the Action already runs that code. */
async function deploySteps(
  api: ManagementApi,
  steps: readonly Step[],
  tenantName: string,
  log: (line: string) => void,
): Promise<RolledBackAction[]> {
  const rolled: RolledBackAction[] = [];
  for (const { declared, action, version, content } of steps) {
    const entry = { address: declared.address, name: declared.name, version: version.number!, sha256: content.sha256, content };
    if (action.deployed_version && versionContent(action.deployed_version) === versionContent(version) && action.all_changes_deployed) {
      log(`${tenantName}: "${declared.name}" already runs v${version.number}'s code`);
      rolled.push(entry);
      continue;
    }
    log(`${tenantName}: deploying v${version.number} of "${declared.name}" again`);
    // update_draft: the provider reads the draft, so it must hold the version's code and module pins too.
    const made = await deployVersion(api, action.id, version.id, { updateDraft: true });
    await waitForBuild(api, action.id);
    await rollBackModuleDrafts(api, version, log);
    rolled.push({ ...entry, ...(made.number !== undefined ? { deployedVersion: made.number } : {}) });
  }
  return rolled;
}

/** Writes the revert branch (when `commit`, the code's commit, is known) and says what happened and what to do next. */
async function revertAndReport(
  gitCtx: GitContext,
  tenantName: string,
  version: number,
  commit: string | undefined,
  rolled: RolledBackAction[],
  searched: number,
): Promise<RollbackOutcome> {
  const summary = rolled.map(
    (r) =>
      `${r.address} ("${r.name}"): v${r.version}${r.deployedVersion ? ` deployed again as v${r.deployedVersion}` : ""}, code sha256 ${r.sha256.slice(0, 12)}`,
  );
  const revert = commit ? await writeRevertBranch(gitCtx, { tenant: tenantName, version, target: commit, summary }) : undefined;
  const lines = [`rolled back ${tenantName} to v${version}; verified: the tenant runs that code`, ...summary.map((line) => `  ${line}`)];
  if (revert && "commit" in revert)
    lines.push(
      `revert written on branch ${revert.branch} (commit ${revert.commit.slice(0, 12)}: actions/ as at ${commit!.slice(0, 12)}); open a pull request from it.`,
      `until it lands, plan, verify and drift report "rolled back to v${version}"; after it lands, the plan of ${tenantName} shows no change.`,
    );
  else if (revert)
    lines.push(`no revert needed: HEAD's actions/ already is the code of v${version} (${commit!.slice(0, 12)}); nothing written.`);
  else
    lines.push(
      `no revert branch written: none of the last ${searched} commits that changed actions/ builds that code.`,
      `find the commit, then: npm run rollback -- ${tenantName} --to <commit> (already deployed: it only writes the branch)`,
    );
  return { exitCode: 0, message: lines.join("\n"), actions: rolled, ...(revert ? { revert } : {}) };
}

function selectActions(actions: readonly DeclaredAction[], handler: string | undefined, tenantFile: string): DeclaredAction[] {
  if (handler === undefined) return [...actions];
  const address = `auth0_action.${terraformName(handler)}`;
  const found = actions.filter((a) => a.address === address);
  if (found.length === 0) {
    const handlers = actions.map((a) => a.address.replace(/^auth0_action\./, "").replace(/_/g, "-"));
    throw new RollbackRefusal(`--action ${handler}: ${tenantFile} declares no such Action; it declares: ${handlers.join(", ")}`);
  }
  return found;
}

/** Each version's content (code sha256 and its pinned modules' code sha256), module versions read once each. */
function versionContentReader(api: ManagementApi) {
  const moduleCode = new Map<string, { name: string; sha256: string }>();
  const contents = new Map<string, DeclaredContent>();
  return {
    async load(versions: readonly ActionVersion[]): Promise<void> {
      for (const v of versions) {
        if (v.code === undefined) continue;
        const modules: Record<string, string> = {};
        for (const pin of v.modules ?? []) {
          if (!moduleCode.has(pin.module_version_id)) {
            const mv = await moduleVersion(api, pin.module_id, pin.module_version_id);
            moduleCode.set(pin.module_version_id, { name: pin.module_name ?? pin.module_id, sha256: sha256(mv.code ?? "") });
          }
          const known = moduleCode.get(pin.module_version_id)!;
          modules[known.name] = known.sha256;
        }
        contents.set(v.id, { sha256: sha256(v.code), modules });
      }
    },
    get: (v: ActionVersion): DeclaredContent | undefined => contents.get(v.id),
  };
}

async function versionWithContent(
  versions: readonly ActionVersion[],
  contentOf: ReturnType<typeof versionContentReader>,
  wanted: DeclaredContent | undefined,
  declared: DeclaredAction,
  ref: string,
  tenant: PreparedTenant["tenant"],
  env: NodeJS.ProcessEnv,
  options: RollbackOptions,
): Promise<ActionVersion> {
  if (wanted === undefined)
    throw new RollbackRefusal(`${ref} does not declare ${declared.address} for ${tenant.name}: nothing to roll back to`);
  const found = newestWithContent(versions, contentOf.get, wanted);
  if (found) return found;
  const upstream = tenant.promotes_from;
  const ranUpstream = upstream !== undefined && (await upstreamRan(upstream, declared.name, wanted, env, options));
  const code = `the code of "${declared.name}" at ${ref} (sha256 ${wanted.sha256.slice(0, 12)}${Object.keys(wanted.modules).length > 0 ? ", with its Action Modules" : ""})`;
  throw new RollbackRefusal(
    ranUpstream
      ? `${code} ran on ${upstream} but no version of ${tenant.name} in its history has it (never promoted, or gone with Auth0's 50-version cap): promote it instead`
      : `${code} never ran on ${tenant.name}${upstream ? ` or its upstream ${upstream}` : ""}: a roll-back only returns to a version that ran; revert the code and deploy it through review`,
  );
}

/** Whether any version of an Action named `name` on the upstream tenant ran `wanted` (FROM_AUTH0_* credentials when set, as promote reads them). */
async function upstreamRan(
  upstream: string,
  name: string,
  wanted: DeclaredContent,
  env: NodeJS.ProcessEnv,
  options: RollbackOptions,
): Promise<boolean> {
  const tenants = options.tenants ?? loadTenants(options.tenantsDir ?? env.TENANTS_DIR ?? `${REPO_ROOT}/tenants`);
  const domain = tenants.find((t) => t.name === upstream)?.domain;
  if (!domain) return false;
  const api: ManagementApi = await connectManagementApi({ domain, env: fromTenantEnv(env), ...(options.api ?? {}) });
  const contentOf = versionContentReader(api);
  for (const action of await actionsNamed(api, name)) {
    const versions = await versionsOf(api, action.id);
    await contentOf.load(versions);
    if (newestWithContent(versions, contentOf.get, wanted)) return true;
  }
  return false;
}

/** The newest commit that changed actions/ and builds exactly the rolled-back content of every Action. */
async function commitWithContent(
  ctx: GitContext,
  codeAt: CodeAtCommit,
  rolled: readonly RolledBackAction[],
  max: number,
): Promise<string | undefined> {
  for (const commit of await commitsChangingActions(ctx, max)) {
    const contents = await codeAt(commit).catch((): Record<string, DeclaredContent> => ({}));
    if (rolled.every((r) => contents[r.address] !== undefined && sameContent(contents[r.address], r.content))) return commit;
  }
  return undefined;
}

/**
 * The provider reads a module's draft and never an Action's pin: each module the version is pinned to
 * gets that version's code back in its draft (Auth0's module roll-back, which publishes nothing), so
 * once the revert lands the plan finds the module as declared and shows no change.
 */
async function rollBackModuleDrafts(api: ManagementApi, version: ActionVersion, log: (line: string) => void): Promise<void> {
  for (const pin of version.modules ?? []) {
    const pinned = await moduleVersion(api, pin.module_id, pin.module_version_id);
    const module = await getModule(api, pin.module_id);
    if (module.code === pinned.code) continue;
    log(`Action Module "${module.name}": its draft gets the code of version ${pinned.version_number ?? pin.module_version_id} back`);
    await rollbackModuleDraft(api, pin.module_id, pin.module_version_id);
  }
}
