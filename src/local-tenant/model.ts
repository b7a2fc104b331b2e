/**
 * The local tenant's model: Actions, their builds and immutable versions, trigger bindings and
 * the per-user metadata Actions write. No HTTP here (like moto's `models`): routes/ translates
 * requests and responses, this module owns the rules Auth0 enforces and the state that persists.
 *
 * Builds follow Auth0's state machine. Saving code makes a draft whose status is `pending`, then
 * `building`, then `built` or `failed`. The status is computed from the time the build was
 * requested, so it stays right across restarts with no timers to resume.
 *
 * What fails a build: Auth0's build installs the Action's dependencies; it does not parse the code.
 * Recorded real traffic shows code with a syntax error (an unterminated string) reaching `built`
 * and deploying; such code fails at login instead. So here a build fails on a dependency npm could
 * never install (an invalid package name or version), and a syntax error surfaces at login.
 */
import { randomUUID } from "node:crypto";
import { invalidBody, TenantError } from "./errors";

export { TenantError } from "./errors";

export const STATE_FORMAT = 1;

/** Triggers and the versions Auth0 accepts for each (Management API "GET /actions/triggers"). */
export const TRIGGERS: Readonly<Record<string, readonly string[]>> = {
  "post-login": ["v1", "v2", "v3"],
  "credentials-exchange": ["v1", "v2"],
  "pre-user-registration": ["v1", "v2"],
  "post-user-registration": ["v1", "v2"],
  "post-change-password": ["v1", "v2"],
  "send-phone-message": ["v1", "v2"],
  "password-reset-post-challenge": ["v1"],
  "custom-email-provider": ["v1"],
  "custom-phone-provider": ["v1"],
  "login-post-identifier": ["v1"],
  "signup-post-identifier": ["v1"],
};

/** Runtimes accepted on create/update; the provider sends node18 as "node18-actions". */
export const RUNTIMES = ["node12", "node16", "node18", "node18-actions", "node22"] as const;
export const DEFAULT_RUNTIME = "node22";

/** Auth0's documented limits (see auth0-actions facts in the docs). */
export const LIMITS = {
  actionsPerTenant: 100,
  bindingsPerTrigger: 20,
  secretsPerAction: 30,
  secretNameLength: 128,
  secretValueLength: 4096,
  dependenciesPerAction: 10,
  versionsPerAction: 50,
};

export interface TriggerRef {
  id: string;
  version: string;
}

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

export interface BuildRecord {
  /** Epoch ms when the draft was saved. */
  requested_at: number;
  /** Epoch ms when the build finishes. */
  ready_at: number;
  result: "built" | "failed";
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

export interface TenantState {
  format: typeof STATE_FORMAT;
  /** In creation order. */
  actions: ActionRecord[];
  bindings: Record<string, BindingRecord[]>;
  users: Record<string, UserOverlay>;
}

export type BuildStatus = "pending" | "building" | "built" | "failed";

export interface ActionInput {
  name?: unknown;
  supported_triggers?: unknown;
  code?: unknown;
  runtime?: unknown;
  dependencies?: unknown;
  secrets?: unknown;
}

export interface BindingInput {
  ref?: { type?: unknown; value?: unknown };
  display_name?: unknown;
}

export interface ModelOptions {
  /** Epoch ms; injectable so tests control build timing. */
  now?: () => number;
  newId?: () => string;
  /** How long a build takes; 0 means the first read after saving already sees the result. */
  buildDurationMs?: number;
  /** Called after every change with the full state, before the change is reported to the caller. */
  onChange?: (state: TenantState) => void;
}

export function emptyState(): TenantState {
  return { format: STATE_FORMAT, actions: [], bindings: {}, users: {} };
}

export class TenantModel {
  private state: TenantState;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly onChange?: (state: TenantState) => void;
  buildDurationMs: number;

  constructor(initial: TenantState = emptyState(), options: ModelOptions = {}) {
    if (initial.format !== STATE_FORMAT) throw new Error(`tenant state format ${String(initial.format)} is not supported (expected ${STATE_FORMAT})`);
    this.state = structuredClone(initial);
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    this.onChange = options.onChange;
    this.buildDurationMs = options.buildDurationMs ?? 0;
  }

  /** A deep copy of the whole state, as persisted. */
  snapshot(): TenantState {
    return structuredClone(this.state);
  }

  nowMs(): number {
    return this.now();
  }

  // ---- Actions ---------------------------------------------------------------------------

  listActions(filter: { triggerId?: string; actionName?: string; deployed?: boolean } = {}): ActionRecord[] {
    return this.state.actions.filter(
      (a) =>
        (filter.triggerId === undefined || a.supported_triggers.some((t) => t.id === filter.triggerId)) &&
        (filter.actionName === undefined || a.name === filter.actionName) &&
        (filter.deployed === undefined || (a.deployed_version_id !== undefined) === filter.deployed),
    );
  }

  getAction(id: string): ActionRecord {
    const action = this.state.actions.find((a) => a.id === id);
    if (!action) throw new TenantError(404, "inexistent_action", "The action does not exist.");
    return action;
  }

  createAction(input: ActionInput): ActionRecord {
    const name = requireString(input.name, "name", 1, 100);
    const triggers = parseTriggers(input.supported_triggers);
    const code = requireString(input.code, "code", 0, Infinity);
    if (this.state.actions.length >= LIMITS.actionsPerTenant) {
      throw new TenantError(400, "too_many_entities", `A tenant may have at most ${LIMITS.actionsPerTenant} actions.`);
    }
    const at = this.isoNow();
    const action: ActionRecord = {
      id: this.newId(),
      name,
      supported_triggers: triggers,
      code,
      dependencies: input.dependencies === undefined ? [] : parseDependencies(input.dependencies),
      runtime: input.runtime === undefined ? DEFAULT_RUNTIME : parseRuntime(input.runtime),
      secrets: input.secrets === undefined ? [] : parseSecrets(input.secrets, [], at),
      created_at: at,
      updated_at: at,
      build: this.startBuild(input.dependencies === undefined ? [] : parseDependencies(input.dependencies)),
      versions: [],
    };
    this.state.actions.push(action);
    this.changed();
    return action;
  }

  /** Fields absent from the body keep their value, as in Auth0's PATCH. */
  updateAction(id: string, input: ActionInput): ActionRecord {
    const action = this.getAction(id);
    const at = this.isoNow();
    const next: ActionRecord = { ...action };
    if (input.name !== undefined) next.name = requireString(input.name, "name", 1, 100);
    if (input.supported_triggers !== undefined) next.supported_triggers = parseTriggers(input.supported_triggers);
    if (input.code !== undefined) next.code = requireString(input.code, "code", 0, Infinity);
    if (input.runtime !== undefined) next.runtime = parseRuntime(input.runtime);
    if (input.dependencies !== undefined) next.dependencies = parseDependencies(input.dependencies);
    if (input.secrets !== undefined) next.secrets = parseSecrets(input.secrets, action.secrets, at);
    next.updated_at = at;
    // Any save makes a new draft build, even when only secrets changed: Auth0 rebuilds too.
    next.build = this.startBuild(next.dependencies);
    Object.assign(action, next);
    this.changed();
    return action;
  }

  deleteAction(id: string, options: { force?: boolean } = {}): void {
    const action = this.getAction(id);
    const boundTo = Object.entries(this.state.bindings)
      .filter(([, list]) => list.some((b) => b.action_id === id))
      .map(([trigger]) => trigger);
    if (boundTo.length > 0 && !options.force) {
      throw new TenantError(
        409,
        "action_bound",
        `The action "${action.name}" cannot be deleted because it is bound to the ${boundTo.join(", ")} trigger. Remove the binding first, or delete with force=true.`,
      );
    }
    for (const trigger of boundTo) this.state.bindings[trigger] = this.state.bindings[trigger].filter((b) => b.action_id !== id);
    this.state.actions = this.state.actions.filter((a) => a.id !== id);
    this.changed();
  }

  statusOf(action: ActionRecord): BuildStatus {
    const now = this.now();
    const { requested_at, ready_at, result } = action.build;
    if (now >= ready_at) return result;
    return now < requested_at + (ready_at - requested_at) / 2 ? "pending" : "building";
  }

  /** Deploys the current draft as a new immutable version, which serves traffic at once. */
  deployAction(id: string): VersionRecord {
    const action = this.getAction(id);
    const status = this.statusOf(action);
    if (status !== "built") {
      throw new TenantError(400, "action_not_built", `A draft must be in the 'built' state before it can be deployed (the draft is '${status}').`);
    }
    return this.addVersion(action, {
      code: action.code,
      dependencies: action.dependencies,
      runtime: action.runtime,
      secrets: action.secrets,
      supported_triggers: action.supported_triggers,
      built_at: new Date(action.build.ready_at).toISOString(),
    });
  }

  /** Auth0's roll-back: a new version identical to an earlier one, deployed. */
  redeployVersion(id: string, versionId: string): VersionRecord {
    const action = this.getAction(id);
    const old = this.getVersion(id, versionId);
    return this.addVersion(action, { ...old, built_at: old.built_at });
  }

  getVersion(id: string, versionId: string): VersionRecord {
    const version = this.getAction(id).versions.find((v) => v.id === versionId);
    if (!version) throw new TenantError(404, "inexistent_action_version", "The action version does not exist.");
    return version;
  }

  deployedVersion(action: ActionRecord): VersionRecord | undefined {
    return action.versions.find((v) => v.id === action.deployed_version_id);
  }

  /** True when the draft equals the deployed version (Auth0's `all_changes_deployed`). */
  allChangesDeployed(action: ActionRecord): boolean {
    const deployed = this.deployedVersion(action);
    if (!deployed) return false;
    const secretsOf = (s: StoredSecret[]) => JSON.stringify(s.map(({ name, value }) => [name, value]));
    return (
      deployed.code === action.code &&
      deployed.runtime === action.runtime &&
      JSON.stringify(deployed.dependencies) === JSON.stringify(action.dependencies) &&
      secretsOf(deployed.secrets) === secretsOf(action.secrets)
    );
  }

  // ---- Bindings --------------------------------------------------------------------------

  getBindings(trigger: string): BindingRecord[] {
    requireTrigger(trigger);
    return this.state.bindings[trigger] ?? [];
  }

  /** Replaces the trigger's whole list (Auth0's PATCH .../bindings). Each call makes new binding ids. */
  replaceBindings(trigger: string, input: unknown): BindingRecord[] {
    requireTrigger(trigger);
    if (!Array.isArray(input)) throw invalidBody("bindings", "must be an array");
    if (input.length > LIMITS.bindingsPerTrigger) {
      throw new TenantError(400, "too_many_entities", `A trigger may have at most ${LIMITS.bindingsPerTrigger} bound actions.`);
    }
    const at = this.isoNow();
    const bindings = (input as BindingInput[]).map((entry, index): BindingRecord => {
      const action = this.resolveRef(entry?.ref, index);
      if (!action.supported_triggers.some((t) => t.id === trigger)) {
        throw new TenantError(400, "invalid_body", `Action "${action.name}" does not support the ${trigger} trigger.`);
      }
      if (!action.deployed_version_id) {
        throw new TenantError(400, "action_not_deployed", `Action "${action.name}" is not deployed yet: deploy it before binding it.`);
      }
      const displayName = entry.display_name === undefined ? action.name : requireString(entry.display_name, `bindings[${index}].display_name`, 1, 100);
      return { id: this.newId(), action_id: action.id, display_name: displayName, created_at: at, updated_at: at };
    });
    this.state.bindings[trigger] = bindings;
    this.changed();
    return bindings;
  }

  /** The Actions a login runs: bound, in order, each with the version currently deployed. */
  deployedFlow(trigger: string): Array<{ binding: BindingRecord; action: ActionRecord; version: VersionRecord }> {
    return this.getBindings(trigger).flatMap((binding) => {
      const action = this.state.actions.find((a) => a.id === binding.action_id);
      const version = action && this.deployedVersion(action);
      return action && version ? [{ binding, action, version }] : [];
    });
  }

  // ---- Users -----------------------------------------------------------------------------

  userOverlay(userId: string): UserOverlay | undefined {
    const overlay = this.state.users[userId];
    return overlay && structuredClone(overlay);
  }

  /** Records one successful login: the count, and metadata the Actions set (merged once, at the end). */
  recordLogin(
    userId: string,
    changes: { app_metadata: Record<string, unknown>; user_metadata: Record<string, unknown> },
    base: Omit<UserOverlay, "logins_count">,
  ): void {
    const current = this.state.users[userId] ?? { ...structuredClone(base), logins_count: 0 };
    this.state.users[userId] = {
      app_metadata: { ...current.app_metadata, ...changes.app_metadata },
      user_metadata: { ...current.user_metadata, ...changes.user_metadata },
      logins_count: current.logins_count + 1,
    };
    this.changed();
  }

  // ---- internals -------------------------------------------------------------------------

  private addVersion(action: ActionRecord, from: Omit<VersionRecord, "id" | "number" | "created_at" | "updated_at">): VersionRecord {
    const at = this.isoNow();
    const version: VersionRecord = {
      id: this.newId(),
      number: (action.versions.at(-1)?.number ?? 0) + 1,
      code: from.code,
      dependencies: structuredClone(from.dependencies),
      runtime: from.runtime,
      secrets: structuredClone(from.secrets),
      supported_triggers: structuredClone(from.supported_triggers),
      created_at: at,
      updated_at: at,
      built_at: from.built_at,
    };
    action.versions.push(version);
    // Auth0 keeps the latest 50 versions; older ones disappear (never the deployed one).
    while (action.versions.length > LIMITS.versionsPerAction) action.versions.shift();
    action.deployed_version_id = version.id;
    this.changed();
    return version;
  }

  private resolveRef(ref: BindingInput["ref"], index: number): ActionRecord {
    const field = `bindings[${index}].ref`;
    if (!ref || typeof ref !== "object") throw invalidBody(field, "is required");
    const value = requireString(ref.value, `${field}.value`, 1, 200);
    switch (ref.type) {
      case "action_id":
        return this.getAction(value);
      case "action_name": {
        const found = this.state.actions.find((a) => a.name === value);
        if (!found) throw new TenantError(404, "inexistent_action", `The action "${value}" does not exist.`);
        return found;
      }
      default:
        throw invalidBody(`${field}.type`, 'must be "action_id" or "action_name"');
    }
  }

  private startBuild(dependencies: readonly Dependency[]): BuildRecord {
    const requested = this.now();
    const error = dependencyError(dependencies);
    return { requested_at: requested, ready_at: requested + this.buildDurationMs, result: error ? "failed" : "built", ...(error ? { error } : {}) };
  }

  private isoNow(): string {
    return new Date(this.now()).toISOString();
  }

  private changed(): void {
    this.onChange?.(this.snapshot());
  }
}

/** npm's rules for a package name, optionally scoped (validate-npm-package-name, new packages). */
const NPM_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
/** An exact or ranged semver version, or a dist-tag such as "latest". */
const NPM_VERSION = /^([~^]?\d+(\.\d+){0,2}([-+][0-9A-Za-z.-]+)?|[a-z][a-z0-9._-]*)$/;

/** What the Actions build would report for these dependencies, or undefined when they would install. */
export function dependencyError(dependencies: readonly Dependency[]): string | undefined {
  for (const { name, version } of dependencies) {
    if (name.length > 214 || !NPM_NAME.test(name)) return `npm ERR! Invalid package name "${name}"`;
    if (!NPM_VERSION.test(version)) return `npm ERR! Invalid version "${version}" of ${name}`;
  }
  return undefined;
}

function requireString(value: unknown, field: string, min: number, max: number): string {
  if (typeof value !== "string") throw invalidBody(field, value === undefined ? "is required" : "must be a string");
  if (value.length < min) throw invalidBody(field, `must be at least ${min} character(s) long`);
  if (value.length > max) throw invalidBody(field, `must be at most ${max} characters long`);
  return value;
}

function requireTrigger(trigger: string): void {
  if (!(trigger in TRIGGERS)) throw new TenantError(404, "inexistent_trigger", `The trigger "${trigger}" does not exist.`);
}

function parseTriggers(value: unknown): TriggerRef[] {
  if (!Array.isArray(value) || value.length !== 1) throw invalidBody("supported_triggers", "must list exactly one trigger");
  return value.map((t: { id?: unknown; version?: unknown }, i) => {
    const id = requireString(t?.id, `supported_triggers[${i}].id`, 1, 100);
    const version = requireString(t?.version, `supported_triggers[${i}].version`, 1, 10);
    const versions = TRIGGERS[id];
    if (!versions) throw invalidBody(`supported_triggers[${i}].id`, `must be one of ${Object.keys(TRIGGERS).join(", ")}`);
    if (!versions.includes(version)) throw invalidBody(`supported_triggers[${i}].version`, `must be one of ${versions.join(", ")} for ${id}`);
    return { id, version };
  });
}

function parseRuntime(value: unknown): string {
  const runtime = requireString(value, "runtime", 1, 50);
  if (!(RUNTIMES as readonly string[]).includes(runtime)) throw invalidBody("runtime", `must be one of ${RUNTIMES.join(", ")}`);
  return runtime;
}

function parseDependencies(value: unknown): Dependency[] {
  if (!Array.isArray(value)) throw invalidBody("dependencies", "must be an array");
  if (value.length > LIMITS.dependenciesPerAction) throw invalidBody("dependencies", `must have at most ${LIMITS.dependenciesPerAction} items`);
  return value.map((d: { name?: unknown; version?: unknown }, i) => ({
    name: requireString(d?.name, `dependencies[${i}].name`, 1, 214),
    version: requireString(d?.version, `dependencies[${i}].version`, 1, 100),
  }));
}

/** A list replaces the Action's secrets; a name sent without a value keeps its stored value. */
function parseSecrets(value: unknown, previous: StoredSecret[], at: string): StoredSecret[] {
  if (!Array.isArray(value)) throw invalidBody("secrets", "must be an array");
  if (value.length > LIMITS.secretsPerAction) throw invalidBody("secrets", `must have at most ${LIMITS.secretsPerAction} items`);
  const seen = new Set<string>();
  return value.map((s: { name?: unknown; value?: unknown }, i) => {
    const name = requireString(s?.name, `secrets[${i}].name`, 1, LIMITS.secretNameLength);
    if (seen.has(name)) throw invalidBody(`secrets[${i}].name`, `"${name}" appears twice`);
    seen.add(name);
    const old = previous.find((p) => p.name === name);
    if (s.value === undefined) {
      if (!old) throw invalidBody(`secrets[${i}].value`, "is required for a new secret");
      return { ...old };
    }
    const secretValue = requireString(s.value, `secrets[${i}].value`, 1, LIMITS.secretValueLength);
    return old && old.value === secretValue ? { ...old } : { name, value: secretValue, updated_at: at };
  });
}
