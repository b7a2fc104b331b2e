/** What bundling produces for an Action or an Action Module (shared by both bundlers). */
export interface BundledAction {
  /** The JavaScript deployed as the Action's code. */
  readonly code: string;
  /** sha256 of `code`, hex: the identity of the artifact promoted between tenants. */
  readonly sha256: string;
  /** Sources that went into the bundle, sorted, relative to the repository (or to the folder of a handler kept elsewhere). */
  readonly inputs: readonly string[];
  /** Action Modules the code requires (`require("actions:<name>")`), sorted: kept out of the bundle. */
  readonly modules: readonly string[];
}
