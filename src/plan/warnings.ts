/**
 * The changes a reviewer must not miss, because they change who gets which claims at the next
 * login: an Action deleted or replaced, a post-login binding removed or re-ordered, bindings made
 * outside this repository overwritten, a runtime change. Worded to say what happens to logins.
 */
import { isPinnedVersion } from "../names";
import { changeKind, type PlanResourceChange } from "../terraform/plan-json";
import type { ReviewContext } from "./review-types";

export type WarningKind =
  | "action-deleted"
  | "action-replaced"
  | "binding-removed"
  | "binding-recreated"
  | "flow-reordered"
  | "flow-replaces-bindings"
  | "undeclared-bindings-removed"
  | "runtime-changed"
  | "dependency-unpinned"
  | "module-deleted"
  | "claims-gap";

export interface ReviewWarning {
  kind: WarningKind;
  /** The resource the warning is about. */
  address: string;
  message: string;
}

type Values = Record<string, unknown>;
interface FlowEntry {
  id?: string;
  name: string;
}

/** Actions this plan updates from pinning the module `moduleId` to not pinning it. */
function actionsDroppingModule(changes: readonly PlanResourceChange[], moduleId: unknown): string[] {
  const pins = (values: unknown) =>
    Array.isArray((values as Values | null)?.modules) ? ((values as Values).modules as Array<{ module_id?: unknown }>) : [];
  return changes
    .filter(
      (c) =>
        c.type === "auth0_action" &&
        changeKind(c.change.actions) === "update" &&
        pins(c.change.before).some((m) => m.module_id === moduleId) &&
        !pins(c.change.after).some((m) => m.module_id === moduleId),
    )
    .map((c) => c.address);
}

export function collectWarnings(
  changes: readonly PlanResourceChange[],
  context: Pick<ReviewContext, "tenantFile" | "flows">,
  /** The claims Action's id, when the state records it: its binding going away means tokens without claims. */
  claimsActionId?: string,
): ReviewWarning[] {
  const warnings: ReviewWarning[] = [];
  const unboundIds = unboundActionIds(changes);
  for (const rc of changes) {
    const kind = changeKind(rc.change.actions);
    const before = (rc.change.before ?? {}) as Values;
    const after = (rc.change.after ?? {}) as Values;
    switch (rc.type) {
      case "auth0_action":
        warnings.push(...actionWarnings(rc, kind, before, after, { changes, unboundIds, tenantFile: context.tenantFile }));
        break;
      case "auth0_action_module":
        warnings.push(...moduleWarnings(rc, kind, before, changes));
        break;
      case "auth0_trigger_action":
        warnings.push(...bindingWarnings(rc, kind, before, after, claimsActionId));
        break;
      case "auth0_trigger_actions":
        warnings.push(...flowWarnings(rc, kind, before, after, context));
        break;
    }
  }
  return warnings;
}

/** An Action deleted (still bound? renamed?), replaced, moved to another runtime, or built with unpinned dependencies. */
function actionWarnings(
  rc: PlanResourceChange,
  kind: ReturnType<typeof changeKind>,
  before: Values,
  after: Values,
  plan: { changes: readonly PlanResourceChange[]; unboundIds: ReadonlySet<string>; tenantFile: string },
): ReviewWarning[] {
  const out: ReviewWarning[] = [];
  const add = (k: WarningKind, message: string) => out.push({ kind: k, address: rc.address, message });
  const name = quote(before.name ?? after.name);
  if (kind === "delete") {
    const stillBound = typeof before.id === "string" && !plan.unboundIds.has(before.id);
    const successor = plan.changes.find(
      (c) => c.type === "auth0_action" && changeKind(c.change.actions) === "create" && (c.change.after as Values)?.name === before.name,
    );
    add(
      "action-deleted",
      `Deletes Action ${name} (\`${rc.address}\`): logins stop running it and its deployed versions are lost.` +
        (stillBound
          ? " No binding to it is removed by this plan: if it is still bound (in the dashboard or by another tool), Auth0 refuses the delete (HTTP 409) and the apply fails; unbind it first."
          : "") +
        (successor
          ? ` \`${successor.address}\` creates an Action of the same name: if the handler was renamed, add \`renamed_from: ${rc.name.replace(/_/g, "-")}\` to its entry in ${plan.tenantFile}, so the Action is moved (same id, bindings and versions) instead of deleted and created again.`
          : ""),
    );
  }
  if (kind === "replace") {
    add(
      "action-replaced",
      `Replaces Action ${name} (\`${rc.address}\`): it is deleted and created again with a new id${because(rc)}; its bindings are re-created and its version history is lost.`,
    );
  }
  if (
    (kind === "update" || kind === "replace") &&
    typeof before.runtime === "string" &&
    typeof after.runtime === "string" &&
    before.runtime !== after.runtime
  ) {
    add(
      "runtime-changed",
      `Changes the runtime of Action ${name} from ${before.runtime} to ${after.runtime}: from the next login its code runs on a different Node.js version.`,
    );
  }
  // A version that is not exact (latest, ^1.2.3: as adopted from a tenant) is resolved when Auth0 builds this version.
  const unpinned =
    (kind === "create" || kind === "update" || kind === "replace") && Array.isArray(after.dependencies)
      ? (after.dependencies as Array<{ name?: unknown; version?: unknown }>).filter(
          (d) => typeof d.version === "string" && !isPinnedVersion(d.version),
        )
      : [];
  if (unpinned.length > 0)
    add(
      "dependency-unpinned",
      `Builds Action ${name} with ${unpinned.map((d) => `${String(d.name)}@${String(d.version)}`).join(", ")}: not pinned, so Auth0 installs whatever that resolves to at this build (it may differ from the version running now); pin an exact version in ${plan.tenantFile}.`,
    );
  return out;
}

/** An Action Module deleted or replaced: Auth0 refuses while an Action still uses it. */
function moduleWarnings(
  rc: PlanResourceChange,
  kind: ReturnType<typeof changeKind>,
  before: Values,
  changes: readonly PlanResourceChange[],
): ReviewWarning[] {
  if (kind !== "delete" && kind !== "replace") return [];
  const unpinned = actionsDroppingModule(changes, before.id);
  return [
    {
      kind: "module-deleted",
      address: rc.address,
      message:
        `${kind === "delete" ? "Deletes" : "Replaces"} Action Module ${quote(before.name)} (\`${rc.address}\`): ` +
        (unpinned.length > 0 ? `this plan first re-deploys ${unpinned.map((a) => `\`${a}\``).join(", ")} without it. ` : "") +
        "If any other Action still uses it, Auth0 refuses the delete (HTTP 409) and the apply fails: remove it from those Actions first.",
    },
  ];
}

/** An append binding removed or re-created: logins without that Action (the claims Action: without claims), or in another order. */
function bindingWarnings(
  rc: PlanResourceChange,
  kind: ReturnType<typeof changeKind>,
  before: Values,
  after: Values,
  claimsActionId: string | undefined,
): ReviewWarning[] {
  const out: ReviewWarning[] = [];
  const add = (k: WarningKind, message: string) => out.push({ kind: k, address: rc.address, message });
  const name = quote(before.display_name ?? after.display_name);
  if ((kind === "delete" || kind === "replace") && claimsActionId !== undefined && before.action_id === claimsActionId) {
    add(
      "claims-gap",
      `Logins get ID tokens without the claims while this apply runs: the ${trigger(before)} binding of ${name} (\`${rc.address}\`) is removed` +
        (kind === "replace" ? ", then appended again" : "") +
        ". An append flow changes its order only by unbinding; with `mode: authoritative` one call sets the whole flow, with no gap.",
    );
  }
  if (kind === "delete")
    add("binding-removed", `Removes the ${trigger(before)} binding of ${name} (\`${rc.address}\`): logins stop running that Action.`);
  if (kind === "replace") {
    add(
      "binding-recreated",
      `Re-creates the ${trigger(before)} binding of ${name} (\`${rc.address}\`)${because(rc)}: it is unbound, then appended to the end of the flow, so the order Actions run in can change.`,
    );
  }
  return out;
}

function flowWarnings(
  rc: PlanResourceChange,
  kind: ReturnType<typeof changeKind>,
  before: Values,
  after: Values,
  context: Pick<ReviewContext, "tenantFile" | "flows">,
): ReviewWarning[] {
  const out: ReviewWarning[] = [];
  const add = (k: WarningKind, message: string) => out.push({ kind: k, address: rc.address, message });
  const flow = trigger(after.trigger ? after : before);
  const declaredActions = context.flows.find((f) => f.trigger === flow)?.actions ?? [];
  if (kind === "delete") {
    add(
      "binding-removed",
      `Deletes the authoritative ${flow} flow (\`${rc.address}\`): every Action bound to ${flow} is unbound, including bindings made outside this repository.`,
    );
    return out;
  }
  if (kind !== "create" && kind !== "update" && kind !== "replace") return out;
  const declared = declaredActions.map((n) => `"${n}"`).join(", ");
  add(
    "flow-replaces-bindings",
    `Authoritative ${flow} flow (\`${rc.address}\`): applying sets the ${flow} bindings to exactly the ${declaredActions.length} declared in ${context.tenantFile} (${declared}). ` +
      "Any binding made outside this repository (in the dashboard, by a Marketplace integration or another tool) will be removed.",
  );
  if (kind === "create") return out;
  const old = flowEntries(before.actions);
  const next = flowEntries(after.actions);
  const removed = old.filter((o) => !next.some((n) => sameEntry(o, n)));
  if (removed.length > 0) {
    const undeclared = removed.filter((r) => !declaredActions.includes(r.name));
    const names = removed.map((r) => `"${r.name}"`).join(", ");
    add(
      undeclared.length > 0 ? "undeclared-bindings-removed" : "binding-removed",
      `Removes ${flow} binding${removed.length > 1 ? "s" : ""} ${names}: logins stop running ${removed.length > 1 ? "those Actions" : "that Action"}.` +
        (undeclared.length > 0
          ? ` Not declared in ${context.tenantFile}: ${undeclared.map((r) => `"${r.name}"`).join(", ")} (bound outside this repository).`
          : ""),
    );
  }
  const kept = old.filter((o) => next.some((n) => sameEntry(o, n)));
  const keptNext = next.filter((n) => kept.some((o) => sameEntry(o, n)));
  if (kept.some((o, i) => !sameEntry(o, keptNext[i]))) {
    add(
      "flow-reordered",
      `Re-orders the ${flow} flow: ${kept.map((e) => `"${e.name}"`).join(" → ")} becomes ${keptNext.map((e) => `"${e.name}"`).join(" → ")}. ` +
        "Actions run in this order, and a later Action sees what earlier ones set.",
    );
  }
  return out;
}

/** Action ids whose binding this plan removes (so deleting the Action itself will not hit a 409). */
function unboundActionIds(changes: readonly PlanResourceChange[]): Set<string> {
  const ids = new Set<string>();
  for (const rc of changes) {
    const kind = changeKind(rc.change.actions);
    const before = (rc.change.before ?? {}) as Values;
    if (rc.type === "auth0_trigger_action" && (kind === "delete" || kind === "replace") && typeof before.action_id === "string")
      ids.add(before.action_id);
    if (rc.type === "auth0_trigger_actions") {
      const next = flowEntries(((rc.change.after ?? {}) as Values).actions);
      for (const entry of flowEntries(before.actions)) if (entry.id && !next.some((n) => n.id === entry.id)) ids.add(entry.id);
    }
  }
  return ids;
}

function flowEntries(value: unknown): FlowEntry[] {
  if (!Array.isArray(value)) return [];
  return value.map((v: Values) => ({
    ...(typeof v?.id === "string" ? { id: v.id } : {}),
    name: typeof v?.display_name === "string" ? v.display_name : "(unnamed)",
  }));
}

/** Same binding: by Action id when both are known (ids are unknown until a new Action exists), else by name. */
function sameEntry(a: FlowEntry | undefined, b: FlowEntry | undefined): boolean {
  if (!a || !b) return false;
  return a.id && b.id ? a.id === b.id : a.name === b.name;
}

function because(rc: PlanResourceChange): string {
  const paths = (rc.change.replace_paths ?? []).map((p) => p.join("."));
  return paths.length > 0 ? ` (because ${paths.map((p) => `\`${p}\``).join(", ")} cannot change in place)` : "";
}

function trigger(values: Values): string {
  return typeof values.trigger === "string" ? values.trigger : "post-login";
}

function quote(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : "(unnamed)";
}
