/**
 * The Actions part of the Management API, in Auth0's own names: Actions with their current
 * (latest saved) and deployed versions, the deploy of a saved draft, and a trigger's bindings.
 */
import type { ManagementApi } from "./client";

export interface ActionVersion {
  id: string;
  code?: string;
  number?: number;
  status?: string;
  deployed?: boolean;
  /** When Auth0 made the version (a deploy, or a redeploy of an earlier version). */
  created_at?: string;
  /** The secrets the version runs with: names only, never values. */
  secrets?: Array<{ name: string }>;
  /** The Action Module versions this version runs with. */
  modules?: ActionModulePin[];
}

export interface ActionModulePin {
  module_id: string;
  module_name?: string;
  module_version_id: string;
  module_version_number?: number;
}

export interface Action {
  id: string;
  name: string;
  /** Status of the latest saved draft's build: "pending", "building", "built", "failed". */
  status?: string;
  supported_triggers?: Array<{ id: string; version?: string }>;
  /** The draft's secrets: names only, never values. */
  secrets?: Array<{ name: string }>;
  /** The saved code (the draft); Terraform's provider reads this one. */
  code?: string;
  current_version?: ActionVersion;
  deployed_version?: ActionVersion;
  /** false: a saved draft has not been deployed, logins still run deployed_version. */
  all_changes_deployed?: boolean;
  /** Why the latest draft's build failed, as the build log says it (Auth0's ActionError shape). */
  errors?: Array<{ id?: string; msg?: string; url?: string }>;
}

/** The build log's reason for a failed build, one line; undefined when the tenant gives none. */
export function buildFailureReason(action: Action): string | undefined {
  const messages = (action.errors ?? []).map((e) => e.msg?.trim()).filter((m): m is string => Boolean(m));
  return messages.length === 0 ? undefined : messages.join("; ").replace(/\s*\n\s*/g, " ");
}

export interface Binding {
  id: string;
  trigger_id?: string;
  display_name?: string;
  action: { id: string; name: string };
}

const PER_PAGE = 100;

export async function allPages<T>(api: ManagementApi, path: string, key: string): Promise<T[]> {
  const items: T[] = [];
  const sep = path.includes("?") ? "&" : "?";
  for (let page = 0; page < 1000; page++) {
    const body = await api.get<Record<string, unknown>>(`${path}${sep}page=${page}&per_page=${PER_PAGE}`);
    const batch = Array.isArray(body?.[key]) ? (body[key] as T[]) : [];
    items.push(...batch);
    if (batch.length < PER_PAGE) break;
  }
  return items;
}

/** Every Action named exactly `name` (Auth0's actionName filter, checked again here). */
export async function actionsNamed(api: ManagementApi, name: string): Promise<Action[]> {
  const listed = await allPages<Action>(api, `/actions/actions?actionName=${encodeURIComponent(name)}`, "actions");
  // The list's view of versions may be abridged: read each Action itself.
  return Promise.all(listed.filter((a) => a.name === name).map((a) => getAction(api, a.id)));
}

export function getAction(api: ManagementApi, id: string): Promise<Action> {
  return api.get<Action>(`/actions/actions/${encodeURIComponent(id)}`);
}

const BUILDING = new Set(["pending", "building", "retrying"]);

/**
 * Waits until the Action's latest draft has finished building ("built" or "failed"), as the
 * provider does before it deploys; answers the last status seen when `timeoutMs` runs out.
 */
export async function waitForBuild(api: ManagementApi, id: string, timeoutMs = 120_000, pollMs = 500): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status } = await getAction(api, id);
    if (status === undefined || !BUILDING.has(status) || Date.now() >= deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Deploys the Action's latest saved version (POST /actions/actions/{id}/deploy). */
export function deployAction(api: ManagementApi, id: string): Promise<ActionVersion> {
  return api.post<ActionVersion>(`/actions/actions/${encodeURIComponent(id)}/deploy`);
}

/** The Action's versions Auth0 still keeps (the latest 50), newest first. */
export function versionsOf(api: ManagementApi, id: string): Promise<ActionVersion[]> {
  return allPages<ActionVersion>(api, `/actions/actions/${encodeURIComponent(id)}/versions`, "versions");
}

/**
 * Auth0's roll-back: deploys a new version identical to `versionId` (POST .../versions/{versionId}/deploy).
 * `update_draft: true` makes the draft a copy of that version too (code, dependencies, secrets, module
 * pins), as the dashboard's Revert does; without it the draft keeps the code rolled back from, which is
 * what Terraform's provider reads.
 */
export function deployVersion(
  api: ManagementApi,
  id: string,
  versionId: string,
  options: { updateDraft: boolean },
): Promise<ActionVersion> {
  return api.post<ActionVersion>(`/actions/actions/${encodeURIComponent(id)}/versions/${encodeURIComponent(versionId)}/deploy`, {
    update_draft: options.updateDraft,
  });
}

/** Deletes an Action; `force` also removes its bindings. */
export function deleteAction(api: ManagementApi, id: string, force: boolean): Promise<void> {
  return api.delete(`/actions/actions/${encodeURIComponent(id)}${force ? "?force=true" : ""}`);
}

/** The trigger's bindings, in execution order. */
export function bindingsOf(api: ManagementApi, trigger: string): Promise<Binding[]> {
  return allPages<Binding>(api, `/actions/triggers/${encodeURIComponent(trigger)}/bindings`, "bindings");
}

/**
 * Removes every binding of Action `id` from `trigger`'s flow and keeps the others in order, with
 * their display names (PATCH replaces the whole list). Auth0 refuses to delete a bound Action (409).
 */
export async function unbindAction(api: ManagementApi, trigger: string, id: string): Promise<void> {
  const kept = (await bindingsOf(api, trigger)).filter((b) => b.action.id !== id);
  await api.patch(`/actions/triggers/${encodeURIComponent(trigger)}/bindings`, {
    bindings: kept.map((b) => ({
      ref: { type: "action_id", value: b.action.id },
      ...(b.display_name ? { display_name: b.display_name } : {}),
    })),
  });
}
