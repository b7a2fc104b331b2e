/**
 * The order Actions run in, per trigger, before and after a plan: what a reviewer compares when a
 * change removes, renames, re-orders or moves an Action, or switches a flow between `append` and
 * `authoritative`. Read from the plan's prior state and planned values, so a refreshed plan shows
 * the tenant's real authoritative flow; an append flow shows the bindings the state records, in
 * declared order.
 */
import type { PlanJson, PlanStateResource } from "../terraform/plan-json";

export interface FlowOrder {
  trigger: string;
  /** Display names in the order they run now (as far as Terraform knows). */
  before: string[];
  /** Display names in the order they run after the apply. */
  after: string[];
}

/** Every trigger whose bound Actions differ (set or order) between the plan's two sides, in trigger order of appearance. */
export function changedFlowOrders(plan: PlanJson): FlowOrder[] {
  const before = flowOrders(plan.prior_state?.values?.root_module?.resources ?? []);
  const after = flowOrders(plan.planned_values?.root_module?.resources ?? []);
  const triggers = [...new Set([...before.keys(), ...after.keys()])];
  return triggers
    .map((trigger) => ({ trigger, before: before.get(trigger) ?? [], after: after.get(trigger) ?? [] }))
    .filter((f) => f.before.join("\u0000") !== f.after.join("\u0000"));
}

/** trigger -> display names in run order, from one side of the plan. */
function flowOrders(resources: readonly PlanStateResource[]): Map<string, string[]> {
  const authoritative = new Map<string, string[]>();
  const appended = new Map<string, Array<{ index: number; name: string }>>();
  for (const r of resources) {
    if (r.mode !== "managed") continue;
    const values = r.values ?? {};
    const trigger = typeof values.trigger === "string" ? values.trigger : undefined;
    if (!trigger) continue;
    if (r.type === "auth0_trigger_actions") {
      const actions = Array.isArray(values.actions) ? (values.actions as Array<Record<string, unknown>>) : [];
      authoritative.set(
        trigger,
        actions.map((a) => displayName(a.display_name)),
      );
    }
    if (r.type === "auth0_trigger_action") {
      const list = appended.get(trigger) ?? [];
      list.push({ index: bindingIndex(r.address), name: displayName(values.display_name) });
      appended.set(trigger, list);
    }
  }
  const out = new Map<string, string[]>();
  for (const [trigger, list] of appended)
    out.set(
      trigger,
      [...list].sort((a, b) => a.index - b.index).map((e) => e.name),
    );
  // A flow is either owned whole or appended to; if both are recorded (mid-switch), the owner decides the order.
  for (const [trigger, names] of authoritative) out.set(trigger, names);
  return out;
}

/** auth0_trigger_action.post_login_binding_2 -> 2: append bindings are created in declared order. */
function bindingIndex(address: string): number {
  const match = /_(\d+)$/.exec(address);
  return match ? Number(match[1]) : Number.MAX_SAFE_INTEGER;
}

function displayName(value: unknown): string {
  return typeof value === "string" ? value : "(known after apply)";
}
