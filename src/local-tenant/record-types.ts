/** Record shapes the model and the Action Module records share (kept apart so neither imports the other). */
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
