/**
 * Actions as the local tenant keeps them: the draft, its build, its immutable versions, the
 * trigger bindings, and the per-user metadata Actions write. These are the shapes the state file
 * holds (state-file.ts); TenantModel (model.ts) owns the rules that change them.
 */
import type { ModuleRef } from "./module-records";
import type { Dependency, StoredSecret } from "./record-types";

export interface TriggerRef {
  id: string;
  version: string;
}

export interface BuildRecord {
  /** Tells a late answer of an older build's check from the current one's. Absent in older state files. */
  id?: string;
  /** Epoch ms when the draft was saved. */
  requested_at: number;
  /** Epoch ms when the build finishes. */
  ready_at: number;
  /** "unresolved": the dependency check has not answered yet. */
  result: "built" | "failed" | "unresolved";
  /** Epoch ms when the dependency check answered (absent when there was nothing to ask). */
  settled_at?: number;
  /** How long a failed build reports `retrying` before `failed`, ms. */
  retry_ms?: number;
  /** The build's message when `result` is "failed". */
  error?: string;
}

export interface VersionRecord {
  id: string;
  number: number;
  code: string;
  dependencies: Dependency[];
  runtime: string;
  secrets: StoredSecret[];
  supported_triggers: TriggerRef[];
  /** The module versions this version runs with (absent in older state files: none). */
  modules?: ModuleRef[];
  created_at: string;
  updated_at: string;
  built_at: string;
}

export interface ActionRecord {
  id: string;
  name: string;
  supported_triggers: TriggerRef[];
  code: string;
  dependencies: Dependency[];
  runtime: string;
  secrets: StoredSecret[];
  /** The draft's module pins (absent in older state files: none). */
  modules?: ModuleRef[];
  created_at: string;
  updated_at: string;
  build: BuildRecord;
  /** Ascending by number; immutable once created. */
  versions: VersionRecord[];
  deployed_version_id?: string;
}

export interface BindingRecord {
  id: string;
  action_id: string;
  display_name: string;
  created_at: string;
  updated_at: string;
}

export interface UserOverlay {
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
  logins_count: number;
}
