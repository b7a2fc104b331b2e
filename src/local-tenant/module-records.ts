/**
 * Action Modules as the local tenant keeps them (the records of the state file, state-file.ts).
 * Their request bodies are in routes/module-schemas.ts; the rules that need the whole tenant (a
 * module in use cannot be deleted) are TenantModel's.
 */
import type { Dependency, StoredSecret } from "./record-types";

/** An Action's pin on one published module version (auth0_action `modules`). */
export interface ModuleRef {
  module_id: string;
  module_version_id: string;
}

export interface ModuleVersionRecord {
  id: string;
  version_number: number;
  code: string;
  dependencies: Dependency[];
  secrets: StoredSecret[];
  created_at: string;
}

export interface ModuleRecord {
  id: string;
  name: string;
  /** The draft: what the next publish makes a version of. */
  code: string;
  dependencies: Dependency[];
  secrets: StoredSecret[];
  created_at: string;
  updated_at: string;
  /** Ascending by number; immutable once published. */
  versions: ModuleVersionRecord[];
}
