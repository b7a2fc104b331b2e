/**
 * The parts of `terraform show -json <planfile>` (format 1.x) that the plan review and the drift
 * report read. Terraform documents this format as its machine-readable interface; the human
 * plan output is not, so nothing here ever parses it.
 */

/** One of Terraform's change actions; a replacement is ["delete","create"] or ["create","delete"]. */
export type PlanAction = "no-op" | "create" | "read" | "update" | "delete" | "forget";

/**
 * Mirrors a value: `true` where the value (or a part of it) is sensitive / unknown, nested like
 * the value itself. `false` or absent means "nothing here".
 */
export type ValueMask = boolean | ValueMask[] | { [key: string]: ValueMask };

export interface PlanChange {
  actions: PlanAction[];
  before: unknown;
  after: unknown;
  after_unknown?: ValueMask;
  before_sensitive?: ValueMask;
  after_sensitive?: ValueMask;
  /** Attribute paths that force the replacement, e.g. [["trigger"]]. */
  replace_paths?: Array<Array<string | number>>;
}

export interface PlanResourceChange {
  address: string;
  mode: "managed" | "data";
  type: string;
  name: string;
  index?: string | number;
  change: PlanChange;
  /** Why Terraform chose this action, e.g. "delete_because_no_resource_config", "replace_because_cannot_update". */
  action_reason?: string;
}

/** An output's change: a resource change without replacement paths. */
export type PlanOutputChange = Omit<PlanChange, "replace_paths">;

export interface PlanJson {
  format_version: string;
  resource_changes?: PlanResourceChange[];
  /** Changes found by refresh that happened outside Terraform (what a drift check reports). */
  resource_drift?: PlanResourceChange[];
  output_changes?: Record<string, PlanOutputChange>;
  /** The configuration, with the references each resource attribute is computed from. */
  configuration?: {
    root_module?: {
      /** An attribute's expression is `{ references?: string[] }`; a nested block's has other shapes. */
      resources?: Array<{ address: string; expressions?: Record<string, unknown> }>;
    };
  };
  /** The state the plan started from (after refresh, when refreshing). */
  prior_state?: { values?: { root_module?: { resources?: PlanStateResource[] } } };
  /** The state the plan leads to (values unknown until apply are absent). */
  planned_values?: { root_module?: { resources?: PlanStateResource[] } };
  errored?: boolean;
}

/** A resource as prior_state / planned_values list it. */
export interface PlanStateResource {
  address: string;
  mode: string;
  type?: string;
  name?: string;
  values?: Record<string, unknown>;
}

export class PlanJsonError extends Error {}

/** Parses `terraform show -json` output, refusing formats this code was not written for. */
export function parsePlanJson(text: string): PlanJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PlanJsonError(`terraform show -json did not print JSON (${(error as Error).message})`);
  }
  if (!value || typeof value !== "object" || typeof (value as PlanJson).format_version !== "string") {
    throw new PlanJsonError("terraform show -json printed JSON without a format_version: not a saved plan");
  }
  const plan = value as PlanJson;
  if (!/^1\./.test(plan.format_version)) {
    throw new PlanJsonError(`plan JSON format_version ${plan.format_version} is not supported (expected 1.x); upgrade this tool`);
  }
  return plan;
}

/** The summary verb for a change's action list, as Terraform's own summary counts it. */
export type ChangeKind = "create" | "update" | "delete" | "replace" | "read" | "forget" | "no-op";

export function changeKind(actions: readonly PlanAction[]): ChangeKind {
  if (actions.length === 2 && actions.includes("delete") && actions.includes("create")) return "replace";
  const [only] = actions;
  return only ?? "no-op";
}
