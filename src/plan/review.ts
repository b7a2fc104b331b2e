/**
 * Plan JSON -> review model: what a reviewer needs to know about one tenant's plan, as data.
 * No Markdown here (render-markdown.ts), and no values that could be secret (shown-value.ts).
 */
import { createHash } from "node:crypto";
import { unifiedDiff, type UnifiedDiff } from "./code-diff";
import { changeKind, type ChangeKind, type PlanJson, type PlanResourceChange } from "../terraform/plan-json";
import { sameValue, showValue, maskAt, UNKNOWN, type Shown } from "./shown-value";
import type { DeclaredFlow } from "../terraform/declared-flow";
import type { ChangedSources, ReviewContext } from "./review-types";
import { collectWarnings, type ReviewWarning } from "./warnings";
import { changedFlowOrders, type FlowOrder } from "./binding-order";
import { CLAIMS_HANDLER } from "../config/tenant-schema";
import { terraformName } from "../triggers";

export interface CodeSummary {
  lines: number;
  bytes: number;
  sha256: string;
}

export interface AttributeChange {
  name: string;
  /** undefined: the attribute is absent on that side (create / delete). */
  before?: Shown | CodeSummary;
  after?: Shown | CodeSummary;
  forcesReplacement: boolean;
}

export interface ResourceReview {
  address: string;
  type: string;
  kind: ChangeKind;
  /** What the resource is, in words: 'Action "Add metadata to user profile"'. */
  subject: string;
  /** Why Terraform chose this change, when it says. */
  reason?: string;
  attributes: AttributeChange[];
}

export interface CodeChange {
  address: string;
  actionName: string;
  kind: ChangeKind;
  before?: CodeSummary;
  after?: CodeSummary;
  /** Present when the code exists on both sides and differs. */
  diff?: UnifiedDiff;
  /** An Action Module's change: the addresses of the Actions pinned to it, which this plan re-pins. */
  pinnedBy?: string[];
}

export interface OutputReview {
  name: string;
  kind: ChangeKind;
  before: Shown;
  after: Shown;
}

export interface PlanReview {
  tenant: string;
  tenantFile: string;
  /** Each declared flow's trigger and mode, in trigger-table order. */
  flows: ReadonlyArray<Pick<DeclaredFlow, "trigger" | "mode">>;
  stateNote?: string;
  counts: { add: number; change: number; destroy: number };
  /** Managed resources the tenant's state recorded before this plan (0: everything is new). */
  priorResources: number;
  resources: ResourceReview[];
  codeChanges: CodeChange[];
  /** Each trigger whose bound Actions change, with the run order before and after the apply. */
  bindingOrders: FlowOrder[];
  outputs: OutputReview[];
  warnings: ReviewWarning[];
  changedSources: ChangedSources;
}

export function buildReview(plan: PlanJson, context: ReviewContext): PlanReview {
  const changes = (plan.resource_changes ?? []).filter((c) => c.mode === "managed" && changeKind(c.change.actions) !== "no-op");
  const kinds = changes.map((c) => changeKind(c.change.actions));
  return {
    tenant: context.tenant,
    tenantFile: context.tenantFile,
    flows: context.flows.map(({ trigger, mode }) => ({ trigger, mode })),
    ...(context.stateNote ? { stateNote: context.stateNote } : {}),
    counts: {
      add: kinds.filter((k) => k === "create" || k === "replace").length,
      change: kinds.filter((k) => k === "update").length,
      destroy: kinds.filter((k) => k === "delete" || k === "replace").length,
    },
    priorResources: (plan.prior_state?.values?.root_module?.resources ?? []).filter((r) => r.mode === "managed").length,
    resources: changes.map((c) => reviewResource(c, attributeReferences(plan, c.address))),
    codeChanges: changes
      .filter((c) => c.type === "auth0_action" || c.type === MODULE_TYPE)
      .flatMap((c) =>
        codeChange(c).map((change) => (c.type === MODULE_TYPE ? { ...change, pinnedBy: actionsPinnedTo(plan, c.address) } : change)),
      ),
    bindingOrders: changedFlowOrders(plan),
    outputs: Object.entries(plan.output_changes ?? {})
      .filter(([, o]) => changeKind(o.actions) !== "no-op")
      .map(([name, o]) => ({
        name,
        kind: changeKind(o.actions),
        before: showValue(o.before, o.before_sensitive),
        after: showValue(o.after, o.after_sensitive, o.after_unknown),
      })),
    warnings: collectWarnings(changes, context, claimsActionId(plan)),
    changedSources: context.changedSources,
  };
}

/** The id of the claims Action (auth0_action.add_metadata_claims) as the plan's prior state records it. */
function claimsActionId(plan: PlanJson): string | undefined {
  const claims = (plan.prior_state?.values?.root_module?.resources ?? []).find((r) => r.address === CLAIMS_ACTION_ADDRESS);
  const id = claims?.values?.id;
  return typeof id === "string" ? id : undefined;
}

const CLAIMS_ACTION_ADDRESS = `auth0_action.${terraformName(CLAIMS_HANDLER)}`;

export function summarizeCode(code: string): CodeSummary {
  return {
    lines: code === "" ? 0 : code.split("\n").length - (code.endsWith("\n") ? 1 : 0),
    bytes: Buffer.byteLength(code),
    sha256: createHash("sha256").update(code).digest("hex"),
  };
}

export function isCodeSummary(value: unknown): value is CodeSummary {
  return typeof value === "object" && value !== null && "sha256" in value && "lines" in value;
}

const REASONS: Record<string, string> = {
  delete_because_no_resource_config: "no longer in the configuration",
  delete_because_no_module: "no longer in the configuration",
  delete_because_wrong_repetition: "no longer in the configuration",
  delete_because_count_index: "no longer in the configuration",
  delete_because_each_key: "no longer in the configuration",
  replace_because_cannot_update: "an attribute that cannot change in place changed",
  replace_because_tainted: "it is tainted",
  replace_by_request: "replacement was requested",
  replace_by_triggers: "a replace_triggered_by reference changed",
};

const MODULE_TYPE = "auth0_action_module";

/**
 * The auth0_action resources whose `modules` block refers to the module at `address`: read from the
 * plan's configuration, so it holds before the first apply, and for Actions this plan does not touch.
 */
export function actionsPinnedTo(plan: PlanJson, address: string): string[] {
  const prefix = `${address}.`;
  return (plan.configuration?.root_module?.resources ?? [])
    .filter((r) => r.address.startsWith("auth0_action.") && JSON.stringify(r.expressions?.modules ?? null).includes(`"${prefix}`))
    .map((r) => r.address)
    .sort();
}

/** One resource change as the review shows it (also used for drift, where `after` is what Auth0 has now). */
export function reviewResource(rc: PlanResourceChange, references: ReadonlyMap<string, string> = new Map()): ResourceReview {
  const kind = changeKind(rc.change.actions);
  return {
    address: rc.address,
    type: rc.type,
    kind,
    subject: describeResource(rc),
    ...(rc.action_reason ? { reason: REASONS[rc.action_reason] ?? rc.action_reason } : {}),
    attributes: attributeChanges(rc, kind, references),
  };
}

/** attribute -> the attribute it is computed from ("action_id" -> "auth0_action.x.id"), from the plan's configuration. */
function attributeReferences(plan: PlanJson, address: string): Map<string, string> {
  const resource = plan.configuration?.root_module?.resources?.find((r) => r.address === address.replace(/\[[^\]]*\]$/, ""));
  const out = new Map<string, string>();
  for (const [name, expression] of Object.entries(resource?.expressions ?? {})) {
    const refs = (expression as { references?: unknown })?.references;
    // Terraform lists the most specific reference first ("auth0_action.x.id", then "auth0_action.x").
    if (Array.isArray(refs) && typeof refs[0] === "string") out.set(name, refs[0]);
  }
  return out;
}

/** A resource in words, from its own values (never sensitive ones). */
export function describeResource(rc: PlanResourceChange): string {
  const values = (rc.change.after ?? rc.change.before ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === "string" ? `"${v}"` : "(known after apply)");
  const trigger = typeof values.trigger === "string" ? values.trigger : "post-login";
  switch (rc.type) {
    case "auth0_action":
      return `Action ${text(values.name)}`;
    case MODULE_TYPE:
      return `Action Module ${text(values.name)}`;
    case "auth0_trigger_action":
      return `${trigger} binding of ${text(values.display_name)}`;
    case "auth0_trigger_actions": {
      const actions = Array.isArray(values.actions) ? (values.actions as Array<{ display_name?: unknown }>) : [];
      return `${trigger} flow (every binding, in order): ${actions.map((a) => text(a.display_name)).join(", ") || "none"}`;
    }
    default:
      return rc.type;
  }
}

/** Attributes to show: everything set, for a create; what differs, for an update or replace; nothing else for a delete. */
function attributeChanges(rc: PlanResourceChange, kind: ChangeKind, references: ReadonlyMap<string, string>): AttributeChange[] {
  const { before, after, before_sensitive, after_sensitive, after_unknown } = rc.change;
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const forcing = new Set((rc.change.replace_paths ?? []).map((p) => String(p[0])));
  if (kind === "delete" || kind === "forget" || kind === "read") return [];
  const names = new Set([...Object.keys(b), ...Object.keys(a), ...unknownNames(after_unknown)]);
  const out: AttributeChange[] = [];
  for (const name of [...names].sort()) {
    const afterUnknown = maskAt(after_unknown, name);
    if (kind === "create") {
      // Ids exist only once created: noise in a review. Other unknowns (a binding's action_id) say what depends on what.
      if (afterUnknown === true ? IDS.has(name) : isEmpty(a[name])) continue;
    } else if (sameValue(b[name], a[name]) && !containsTrue(afterUnknown)) {
      continue;
    }
    const show = (value: unknown, sensitive: typeof before_sensitive, unknown?: typeof after_unknown) => {
      if (name === "code" && typeof value === "string" && maskAt(sensitive, name) !== true) return summarizeCode(value);
      const shown = showValue(value, maskAt(sensitive, name), unknown === undefined ? undefined : maskAt(unknown, name));
      const from = references.get(name);
      return shown === UNKNOWN && from ? { ...UNKNOWN, from } : shown;
    };
    out.push({
      name,
      ...(kind === "create" ? {} : { before: show(b[name], before_sensitive) }),
      after: show(a[name], after_sensitive, after_unknown),
      forcesReplacement: forcing.has(name),
    });
  }
  return out;
}

const IDS = new Set(["id", "version_id"]);

function unknownNames(mask: unknown): string[] {
  return mask && typeof mask === "object" && !Array.isArray(mask) ? Object.keys(mask) : [];
}

function containsTrue(mask: unknown): boolean {
  if (mask === true) return true;
  if (mask && typeof mask === "object") return Object.values(mask).some(containsTrue);
  return false;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
}

/** The code of an auth0_action (or auth0_action_module) change, summarized, with a diff when both sides have code and they differ. */
export function codeChange(rc: PlanResourceChange): CodeChange[] {
  const kind = changeKind(rc.change.actions);
  const code = (side: unknown, sensitive: unknown): string | undefined => {
    const value = (side as Record<string, unknown> | null)?.code;
    return typeof value === "string" && maskAt(sensitive as never, "code") !== true ? value : undefined;
  };
  const before = code(rc.change.before, rc.change.before_sensitive);
  const after = code(rc.change.after, rc.change.after_sensitive);
  if (before !== undefined && after !== undefined && before === after) return [];
  if (before === undefined && after === undefined) return [];
  const values = (rc.change.after ?? rc.change.before) as Record<string, unknown>;
  return [
    {
      address: rc.address,
      actionName: typeof values.name === "string" ? values.name : rc.address,
      kind,
      ...(before !== undefined ? { before: summarizeCode(before) } : {}),
      ...(after !== undefined ? { after: summarizeCode(after) } : {}),
      ...(before !== undefined && after !== undefined ? { diff: unifiedDiff(before, after) } : {}),
    },
  ];
}
