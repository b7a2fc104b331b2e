/**
 * The Action Modules part of the Management API, in Auth0's own names: modules, their published
 * versions, and the deployed Actions that use each one (and which version they are pinned to).
 */
import { allPages } from "./actions";
import type { ManagementApi } from "./client";

export interface ActionModule {
  id: string;
  name: string;
  /** The draft's code (what Terraform's provider reads). */
  code?: string;
}

export interface ActionModuleVersion {
  id: string;
  version_number?: number;
  code?: string;
}

/** An Action using a module: GET /actions/modules/{id}/actions. */
export interface ActionUsingModule {
  action_id: string;
  action_name?: string;
  module_version_id: string;
  module_version_number?: number;
}

/** The tenant's module named exactly `name`, or undefined. Module names are unique per tenant. */
export async function moduleNamed(api: ManagementApi, name: string): Promise<ActionModule | undefined> {
  return (await allPages<ActionModule>(api, "/actions/modules", "modules")).find((m) => m.name === name);
}

export function actionsUsingModule(api: ManagementApi, moduleId: string): Promise<ActionUsingModule[]> {
  return allPages<ActionUsingModule>(api, `/actions/modules/${encodeURIComponent(moduleId)}/actions`, "actions");
}

export function moduleVersion(api: ManagementApi, moduleId: string, versionId: string): Promise<ActionModuleVersion> {
  return api.get<ActionModuleVersion>(`/actions/modules/${encodeURIComponent(moduleId)}/versions/${encodeURIComponent(versionId)}`);
}

/** Auth0's module roll-back: copies a published version's code, dependencies and secrets into the module's draft (publishes nothing). */
export function rollbackModuleDraft(api: ManagementApi, moduleId: string, versionId: string): Promise<ActionModule> {
  return api.post<ActionModule>(`/actions/modules/${encodeURIComponent(moduleId)}/rollback`, { module_version_id: versionId });
}

/** A module and its draft (code, all_changes_published). */
export function getModule(api: ManagementApi, moduleId: string): Promise<ActionModule> {
  return api.get<ActionModule>(`/actions/modules/${encodeURIComponent(moduleId)}`);
}
