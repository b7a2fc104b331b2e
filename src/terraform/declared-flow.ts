/**
 * A flow as a synthesized stack declares it: the one shape the review, verify, deploy and
 * promotion read, whether it came from the tenant files or from the artifact's Terraform JSON.
 */

/** authoritative: auth0_trigger_actions owns the flow; append: auth0_trigger_action bindings among others. */
export type FlowMode = "append" | "authoritative";

export interface DeclaredFlow {
  /** Auth0's trigger id, e.g. "post-login". */
  trigger: string;
  mode: FlowMode;
  /** Action addresses in binding order, e.g. "auth0_action.add_metadata_claims". */
  order: string[];
}

/** A declared flow with the display names of its Actions (same order as `order`): what a review names. */
export interface NamedDeclaredFlow extends DeclaredFlow {
  actions: readonly string[];
}
