/** Record shapes Actions and Action Modules share (action-records.ts, module-records.ts; kept apart so neither imports the other). */
export interface Dependency {
  name: string;
  version: string;
}

export interface StoredSecret {
  name: string;
  /** Kept only so deployed versions can run; never returned by the API. */
  value: string;
  updated_at: string;
}
