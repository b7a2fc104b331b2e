/**
 * The local tenant's state file (<stateDir>/tenant.json, kept by a JsonStore from store.ts): the
 * document's shape and format number, the state a new tenant starts from, and the check that
 * refuses a file written in another format.
 *
 * Migration: fields added since format 1 are optional (marked "absent in older state files" in
 * action-records.ts and here), so a file written before them loads as is and reads as "none". A
 * change an older file cannot be read through gets a new format number and a conversion here.
 */
import type { ActionRecord, BindingRecord, UserOverlay } from "./action-records";
import type { ModuleRecord } from "./module-records";

export const STATE_FORMAT = 1;

export interface TenantState {
  format: typeof STATE_FORMAT;
  /** In creation order. */
  actions: ActionRecord[];
  bindings: Record<string, BindingRecord[]>;
  users: Record<string, UserOverlay>;
  /** Action Modules, in creation order (absent in older state files: none). */
  modules?: ModuleRecord[];
}

export function emptyState(): TenantState {
  return { format: STATE_FORMAT, actions: [], bindings: {}, users: {} };
}

/** Throws when `state` was written in a format this version cannot read. */
export function checkStateFormat(state: TenantState): void {
  // Read as unknown: a state file from another version may hold anything here.
  const format: unknown = state.format;
  if (format !== STATE_FORMAT) throw new Error(`tenant state format ${JSON.stringify(format)} is not supported (expected ${STATE_FORMAT})`);
}
