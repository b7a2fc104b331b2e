/**
 * The verify rule, as a pure function: what a tenant runs (read from the Management API) against
 * what the artifact declares and what the state records. Every difference is a Finding with the
 * command that resolves it. Nothing here talks to a tenant.
 */
import { createHash } from "node:crypto";
import { readableDate, redeployOf } from "../management-api/action-versions";
import { buildFailureReason, type Action, type ActionVersion, type Binding } from "../management-api/actions";
import type { DeclaredAction, DeclaredStack } from "../terraform/declared-stack";

export type FindingKind =
  | "missing"
  | "not-in-state"
  | "never-deployed"
  | "code-differs"
  | "rolled-back"
  | "undeployed-draft"
  | "build"
  | "unbound"
  | "position"
  | "duplicate-binding"
  | "undeclared-binding"
  | "orphan"
  | "unmanaged"
  | "module-differs";

/**
 * Findings that say nothing about whether the tenant runs the artifact: an Action this repository
 * cannot prove it created. Deploy leaves it alone (and exits 0 with it); verify and drift still exit 2.
 */
export const LEFT_ALONE: ReadonlySet<FindingKind> = new Set<FindingKind>(["unmanaged"]);

/** The findings deploy (apply + repair) is responsible for. */
export const needsRepair = (findings: readonly Finding[]): Finding[] => findings.filter((f) => !LEFT_ALONE.has(f.kind));

/** A same-named Action this repository cannot prove it created: what `--delete-unmanaged` would remove. */
export interface UnmanagedAction {
  id: string;
  name: string;
  /** "post-login #2" for each binding of it, in any trigger read. */
  boundTo: string[];
  /** Whether it has a deployed version (logins may run it). */
  deployed: boolean;
}

export interface Finding {
  kind: FindingKind;
  /** The declared Action's resource address, when the finding is about one. */
  address?: string;
  /** The Auth0 Action id concerned, when there is one. */
  actionId?: string;
  message: string;
  /** The command (or step) that resolves it. */
  fix: string;
  /** For an "unmanaged" finding: the Action deploy leaves alone. */
  unmanaged?: UnmanagedAction;
}

export interface ActionStatus {
  address: string;
  name: string;
  trigger: string;
  artifactSha256: string;
  actionId?: string;
  deployedSha256?: string;
  /** sha256 of the saved draft when it differs from the deployed version. */
  draftSha256?: string;
  build?: string;
  /** 1-based position among the trigger's bindings. */
  position?: number;
}

export interface TenantTruth {
  /** Resource address -> Action id, from the state. */
  stateIds: Readonly<Record<string, string>>;
  /** Declared Action name -> every Action of that name in the tenant. */
  actionsByName: Readonly<Record<string, readonly Action[]>>;
  /** Trigger id -> its bindings, in order. */
  bindings: Readonly<Record<string, readonly Binding[]>>;
  /** Action id -> its versions, read for managed Actions whose deployed code is not the artifact's. */
  versions?: Readonly<Record<string, readonly ActionVersion[]>>;
  /** Version number -> the revert branch `npm run rollback` wrote for it and the commit it returns to, when this checkout has it. */
  rollbackRecords?: Readonly<Record<number, { branch: string; target: string }>>;
  /** Module version id -> sha256 of its code, for the versions the deployed Actions are pinned to. */
  moduleVersionSha256?: Readonly<Record<string, string>>;
}

export interface VerifyContext {
  tenant: string;
  /** "cdktf.out/stacks/dev": where `terraform import` runs. */
  stackDir: string;
}

export interface VerifyResult {
  tenant: string;
  actions: ActionStatus[];
  findings: Finding[];
  /** 0 the tenant runs exactly the artifact, 2 it differs. */
  exitCode: 0 | 2;
}

export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const short = (hash: string | undefined) => (hash ? hash.slice(0, 12) : "-");

export function compareTenant(declared: DeclaredStack, truth: TenantTruth, ctx: VerifyContext): VerifyResult {
  const deploy = `npm run deploy -- ${ctx.tenant}`;
  const findings: Finding[] = [];
  const statuses: ActionStatus[] = [];
  const managedIds = new Map<string, string>();

  for (const action of declared.actions) {
    const status: ActionStatus = { address: action.address, name: action.name, trigger: action.trigger, artifactSha256: action.sha256 };
    statuses.push(status);
    const sameName = truth.actionsByName[action.name] ?? [];
    const stateId = truth.stateIds[action.address];
    const managed = stateId === undefined ? undefined : sameName.find((a) => a.id === stateId);
    const others = sameName.filter((a) => a.id !== stateId).map((other) => sameNamed(action, other, stateId !== undefined, ctx, truth));
    findings.push(...others);
    if (stateId === undefined) {
      const orphans = others.filter((f) => f.kind === "orphan").length;
      if (orphans === 0)
        findings.push({
          kind: "missing",
          address: action.address,
          message:
            sameName.length === 0
              ? `no Action named "${action.name}" in the tenant, and the state records none`
              : `the state records no ${action.address}; the ${sameName.length} Action(s) named "${action.name}" in the tenant were not made by this repository (listed as unmanaged)`,
          fix: deploy,
        });
      else
        findings.push({
          kind: "not-in-state",
          address: action.address,
          message: `the state records no ${action.address}, but the tenant has ${orphans} Action(s) named "${action.name}" this repository created (listed as orphans)`,
          fix: deploy,
        });
      continue;
    }
    if (!managed) {
      findings.push({
        kind: "missing",
        address: action.address,
        actionId: stateId,
        message: `the state records ${action.address} as Action ${stateId}, but the tenant has no Action "${action.name}" with that id (deleted or renamed outside this repository)`,
        fix: deploy,
      });
      continue;
    }
    managedIds.set(action.address, managed.id);
    status.actionId = managed.id;
    status.build = managed.status;
    // A roll-back explains a differing code and differing module pins at once: said once, as such.
    const rolledBack = checkVersions(action, managed, status, findings, deploy, truth, ctx.tenant);
    if (!rolledBack) checkModulePins(action, managed, truth, findings, deploy);
  }

  for (const flow of declared.flows)
    checkBindings(flow, truth.bindings[flow.trigger] ?? [], managedIds, declared.actions, statuses, findings, deploy);

  // Unmanaged Actions count too: verify is read-only and tells the tenant differs from a clean one.
  // A roll-back alone does not: the tenant runs an earlier reviewed version on purpose, and the report says so.
  const failing = findings.filter((f) => f.kind !== "rolled-back");
  return { tenant: ctx.tenant, actions: statuses, findings, exitCode: failing.length > 0 ? 2 : 0 };
}

function checkVersions(
  action: DeclaredAction,
  managed: Action,
  status: ActionStatus,
  findings: Finding[],
  deploy: string,
  truth: TenantTruth,
  tenant: string,
): boolean {
  const deployed = managed.deployed_version?.code;
  // `code` is the saved draft; versions (current_version, deployed_version) exist only once deployed.
  const draft = managed.code ?? managed.current_version?.code;
  status.deployedSha256 = deployed === undefined ? undefined : sha256(deployed);
  const draftSha = draft === undefined ? undefined : sha256(draft);
  const undeployed =
    managed.all_changes_deployed === false ||
    (draftSha !== undefined && status.deployedSha256 !== undefined && draftSha !== status.deployedSha256);
  if (undeployed) status.draftSha256 = draftSha;
  const base = { address: action.address, actionId: managed.id };
  const rolledBack = deployed === undefined ? undefined : rolledBackFinding(action, managed, status, truth, tenant, deploy);
  if (rolledBack) {
    findings.push({ ...base, ...rolledBack });
  } else if (deployed === undefined) {
    findings.push({
      ...base,
      kind: "never-deployed",
      message: `"${action.name}" has no deployed version: logins do not run it`,
      fix: deploy,
    });
  } else if (status.deployedSha256 !== action.sha256) {
    findings.push({
      ...base,
      kind: "code-differs",
      message: `"${action.name}" runs code sha256 ${short(status.deployedSha256)}, the artifact deploys ${short(action.sha256)}`,
      fix: deploy,
    });
  }
  if (undeployed) {
    const reviewed = draftSha === action.sha256 ? "the reviewed code" : `code sha256 ${short(draftSha)}, not the artifact's either`;
    findings.push({
      ...base,
      kind: "undeployed-draft",
      message: `"${action.name}" has a saved but not deployed draft (all_changes_deployed: false): ${reviewed}; logins still run the deployed version`,
      fix: deploy,
    });
  }
  const build = managed.status?.toLowerCase();
  if (build !== undefined && build !== "built") {
    findings.push({
      ...base,
      kind: "build",
      message:
        build === "failed"
          ? `"${action.name}": the build of the latest draft failed: ${buildFailureReason(managed) ?? "the tenant gave no reason (see the Action's build log in the Auth0 Dashboard)"}`
          : `"${action.name}": the latest draft is not built yet (status: ${build}); logins run the deployed version until it builds and is deployed`,
      fix: build === "failed" ? `fix the Action's dependencies, then ${deploy}` : `wait for the build to finish, then ${deploy}`,
    });
  }
  return rolledBack !== undefined;
}

/**
 * The deployed version is a redeploy of an earlier version's code (`npm run rollback`, or a
 * roll-back in the dashboard): said as such, so no plan or deploy puts the artifact's code back
 * without the reviewer knowing that it is the code someone rolled back from.
 */
function rolledBackFinding(
  action: DeclaredAction,
  managed: Action,
  status: ActionStatus,
  truth: TenantTruth,
  tenant: string,
  deploy: string,
): Pick<Finding, "kind" | "message" | "fix"> | undefined {
  const redeploy = managed.deployed_version && redeployOf(truth.versions?.[managed.id] ?? [], managed.deployed_version);
  if (!redeploy) return undefined;
  const record = truth.rollbackRecords?.[redeploy.version];
  const commit = record ? ` (commit ${record.target.slice(0, 12)})` : "";
  const when = redeploy.at ? ` on ${readableDate(redeploy.at)}` : "";
  const sameCode = status.deployedSha256 === action.sha256 ? " (the same code: the Action Module pins differ)" : "";
  return {
    kind: "rolled-back",
    message:
      `"${action.name}" was rolled back to v${redeploy.version}${commit}${when}: it runs v${redeploy.deployedVersion}, a redeploy of v${redeploy.version}'s code and module pins ` +
      `(code sha256 ${short(status.deployedSha256)}); the artifact deploys ${short(action.sha256)}${sameCode}, and applying or deploying it undoes the roll-back`,
    fix: record
      ? `merge the revert on branch ${record.branch}; or, to undo the roll-back, ${deploy}`
      : `merge the revert branch rollback/${tenant}-v${redeploy.version} (npm run rollback writes it); or, to undo the roll-back, ${deploy}`,
  };
}

/** The deployed version must run each declared module with the artifact's module code, and no other module. */
function checkModulePins(action: DeclaredAction, managed: Action, truth: TenantTruth, findings: Finding[], deploy: string): void {
  const deployed = managed.deployed_version;
  if (!deployed) return; // reported as never-deployed
  const pins = deployed.modules ?? [];
  const base = { kind: "module-differs" as const, address: action.address, actionId: managed.id, fix: deploy };
  for (const declared of action.modules ?? []) {
    const pin = pins.find((p) => p.module_name === declared.name);
    const runs = pin ? truth.moduleVersionSha256?.[pin.module_version_id] : undefined;
    if (!pin) {
      findings.push({ ...base, message: `"${action.name}" is not pinned to Action Module "${declared.name}": its code requires it` });
    } else if (runs !== declared.sha256) {
      const version = pin.module_version_number !== undefined ? ` version ${pin.module_version_number}` : "";
      findings.push({
        ...base,
        message: `"${action.name}" runs Action Module "${declared.name}"${version} (code sha256 ${short(runs)}), the artifact publishes ${short(declared.sha256)}`,
      });
    }
  }
  for (const pin of pins.filter((p) => !(action.modules ?? []).some((m) => m.name === p.module_name))) {
    findings.push({
      ...base,
      message: `"${action.name}" is pinned to Action Module "${pin.module_name ?? pin.module_id}", which the artifact does not declare for it`,
    });
  }
}

function checkBindings(
  flow: DeclaredStack["flows"][number],
  bindings: readonly Binding[],
  managedIds: ReadonlyMap<string, string>,
  actions: readonly DeclaredAction[],
  statuses: ActionStatus[],
  findings: Finding[],
  deploy: string,
): void {
  const bound = bindings.map((b) => b.action.id);
  const nameOf = (address: string) => actions.find((a) => a.address === address)?.name ?? address;
  const declaredIds = new Set(managedIds.values());
  let lastPosition = -1;
  flow.order.forEach((address, declaredIndex) => {
    const id = managedIds.get(address);
    if (id === undefined) return; // already reported: missing or not in state
    const positions = bound.flatMap((b, i) => (b === id ? [i] : []));
    const status = statuses.find((s) => s.address === address);
    if (positions.length === 0) {
      findings.push({
        kind: "unbound",
        address,
        actionId: id,
        message: `"${nameOf(address)}" is not bound to ${flow.trigger}: logins do not run it`,
        fix: deploy,
      });
      return;
    }
    if (status) status.position = positions[0] + 1;
    if (positions.length > 1) {
      findings.push({
        kind: "duplicate-binding",
        address,
        actionId: id,
        message: `"${nameOf(address)}" is bound ${positions.length} times to ${flow.trigger} (positions ${positions.map((p) => p + 1).join(", ")})`,
        fix: deploy,
      });
    }
    const expected = flow.mode === "authoritative" ? positions[0] === declaredIndex : positions[0] > lastPosition;
    if (!expected) {
      findings.push({
        kind: "position",
        address,
        actionId: id,
        message: `"${nameOf(address)}" runs at position ${positions[0] + 1} of ${flow.trigger}; declared as Action ${declaredIndex + 1} of ${flow.order.length} (${flow.mode})`,
        fix: deploy,
      });
    }
    lastPosition = Math.max(lastPosition, positions[0]);
  });
  if (flow.mode === "authoritative") {
    bindings.forEach((b, i) => {
      if (declaredIds.has(b.action.id)) return;
      findings.push({
        kind: "undeclared-binding",
        actionId: b.action.id,
        message: `"${b.action.name}" (${b.action.id}) is bound at position ${i + 1} of ${flow.trigger} but not declared; the flow is authoritative`,
        fix: deploy,
      });
    });
  }
}

/**
 * Whether this repository provably created `other`, an Action named like `action` that the state
 * does not record. The proof, both parts required:
 *   - its code is byte-identical to the code this artifact builds for that handler: every version
 *     the tenant shows (saved draft, current, deployed) has the artifact's sha256, on the same trigger;
 *   - nothing binds it: its id is not the state's, so any binding was made outside this repository
 *     (by hand, another tool), and deleting the Action would silently drop that binding.
 * A run killed between Auth0's create and Terraform's state write leaves exactly that: the code it
 * sent, never bound. Anything else, e.g. the team's hand-made Action of the same name, is unmanaged.
 */
export function provablyCreatedHere(action: DeclaredAction, other: Action, truth: TenantTruth): boolean {
  const triggers = (other.supported_triggers ?? []).map((t) => t.id);
  if (triggers.length !== 1 || triggers[0] !== action.trigger) return false;
  const codes = [other.code, other.current_version?.code, other.deployed_version?.code].filter((c): c is string => c !== undefined);
  if (codes.length === 0 || codes.some((c) => sha256(c) !== action.sha256)) return false;
  // Bindings that were not read cannot prove the Action unbound.
  if (!triggers.every((t) => truth.bindings[t] !== undefined)) return false;
  return bindingsOfAction(other.id, truth).length === 0;
}

function bindingsOfAction(id: string, truth: TenantTruth): string[] {
  return Object.entries(truth.bindings)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([trigger, list]) => list.flatMap((b, i) => (b.action.id === id ? [`${trigger} #${i + 1}`] : [])));
}

function sameNamed(action: DeclaredAction, other: Action, stateKnowsAddress: boolean, ctx: VerifyContext, truth: TenantTruth): Finding {
  if (provablyCreatedHere(action, other, truth)) return orphan(action, other, stateKnowsAddress, ctx);
  const boundTo = bindingsOfAction(other.id, truth);
  const deployed = other.deployed_version !== undefined;
  return {
    kind: "unmanaged",
    address: action.address,
    actionId: other.id,
    message:
      `Action ${other.id} is named "${action.name}" but was not made by this repository ` +
      `(${boundTo.length > 0 ? `bound: ${boundTo.join(", ")}` : "unbound"}, ${deployed ? "deployed" : "never deployed"}); deploy leaves it and its bindings alone`,
    fix: `adopt it: npm run adopt -- ${ctx.tenant}, or delete it: npm run deploy -- ${ctx.tenant} --delete-unmanaged`,
    unmanaged: { id: other.id, name: other.name, boundTo, deployed },
  };
}

function orphan(action: DeclaredAction, other: Action, stateKnowsAddress: boolean, ctx: VerifyContext): Finding {
  const fix = stateKnowsAddress
    ? `npm run deploy -- ${ctx.tenant} (deletes it), or by hand: DELETE /api/v2/actions/actions/${other.id}?force=true`
    : `npm run deploy -- ${ctx.tenant} (creates ${action.address} and deletes it), or adopt it: terraform -chdir=${ctx.stackDir} import '${action.address}' ${other.id}`;
  return {
    kind: "orphan",
    address: action.address,
    actionId: other.id,
    message: `Action ${other.id} is named "${action.name}", carries this artifact's code and is unbound, but the state does not know it (orphan of an interrupted create)`,
    fix,
  };
}
