/**
 * What a plan review is built from, besides the plan: shared by the review model (review.ts) and
 * its warnings (warnings.ts), which would otherwise import each other.
 */
import type { NamedDeclaredFlow } from "../terraform/declared-flow";

/** Which files under actions/ changed since the base branch, when git can tell. */
export type ChangedSources = { known: true; base: string; files: readonly string[] } | { known: false; reason: string };

export interface ReviewContext {
  tenant: string;
  /** The tenant file, relative to the repository, e.g. "tenants/dev.yaml". */
  tenantFile: string;
  /** The flows the tenant file declares: trigger, mode, and the names of its Actions in flow order. */
  flows: readonly NamedDeclaredFlow[];
  changedSources: ChangedSources;
  /** Said at the top of the review when the plan did not read the tenant's real state. */
  stateNote?: string;
}
