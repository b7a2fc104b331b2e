/**
 * Refresh-only plan JSON -> drift model: the resources Terraform found changed or deleted outside
 * this repository (`resource_drift`), each with what differs between the recorded state and
 * what Auth0 has now. Values pass through the same masking as the plan review.
 */
import { changeKind, type PlanJson } from "../terraform/plan-json";
import { codeChange, reviewResource, type CodeChange, type ResourceReview } from "../plan/review";

export interface DriftReport {
  tenant: string;
  tenantFile: string;
  /** Managed resources recorded in state, each of which was compared with Auth0. */
  checked: number;
  /** Resources changed (update) or deleted (delete) outside this repository. */
  drifted: ResourceReview[];
  /** Action (or Action Module draft) code edited outside this repository: recorded code -> code in Auth0 now. */
  codeChanges: CodeChange[];
}

export function buildDriftReport(plan: PlanJson, context: { tenant: string; tenantFile: string }): DriftReport {
  const drifted = (plan.resource_drift ?? []).filter((d) => d.mode === "managed" && changeKind(d.change.actions) !== "no-op");
  return {
    tenant: context.tenant,
    tenantFile: context.tenantFile,
    checked: (plan.prior_state?.values?.root_module?.resources ?? []).filter((r) => r.mode === "managed").length,
    drifted: drifted.map((d) => reviewResource(d)),
    codeChanges: drifted
      .filter((d) => (d.type === "auth0_action" || d.type === "auth0_action_module") && changeKind(d.change.actions) === "update")
      .flatMap(codeChange),
  };
}
