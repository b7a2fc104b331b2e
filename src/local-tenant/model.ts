/**
 * The local tenant's model: Actions, their builds and immutable versions, trigger bindings and
 * the per-user metadata Actions write. No HTTP here (like moto's `models`): routes/ translates
 * requests and responses, this module owns the rules Auth0 enforces and the state that persists.
 * Neighbours own the rest: the records' shapes are in action-records.ts and module-records.ts, the
 * request-body schemas in routes/action-schemas.ts and routes/module-schemas.ts, the state file's
 * format in state-file.ts, the accepted triggers and runtimes in catalog.ts (from src/triggers.ts).
 *
 * Builds follow Auth0's state machine. Saving code makes a draft whose status is `pending`, then
 * `building`, then `built`, or `retrying` and then `failed` (recorded real traffic shows a failing
 * build reported as `retrying` for a while before `failed`). The status is computed from the times
 * the build was requested and settled, so it stays right across restarts with no timers to resume.
 *
 * What fails a build: Auth0's build installs the Action's dependencies; it does not parse the code.
 * Recorded real traffic shows code with a syntax error (an unterminated string) reaching `built`
 * and deploying; such code fails at login instead. So here a build fails on a dependency npm could
 * never install (an invalid package name or version), or, when a dependency check is given (the
 * server gives one that asks the npm registry), on one that does not exist; a syntax error surfaces
 * at login. The check runs asynchronously; until it answers the draft is `building`.
 */
import { randomUUID } from "node:crypto";
import { AUTH0_LIMITS } from "../auth0-facts";
import type { ActionRecord, BindingRecord, BuildRecord, UserOverlay, VersionRecord } from "./action-records";
import { DEFAULT_RUNTIME, isTrigger } from "./catalog";
import { TenantError } from "./errors";
import type { ModuleRecord, ModuleRef, ModuleVersionRecord } from "./module-records";
import { payloadError, validatePayload } from "./payload";
import type { Dependency, StoredSecret } from "./record-types";
import {
  ACTION_CREATE_BODY,
  ACTION_UPDATE_BODY,
  BINDINGS_BODY,
  checkActionBody,
  type ActionInput,
  type BindingInput,
  type SecretInput,
  type ValidActionInput,
} from "./routes/action-schemas";
import { checkModuleBody, MODULE_CREATE_BODY, MODULE_UPDATE_BODY } from "./routes/module-schemas";
import { checkStateFormat, emptyState, type TenantState } from "./state-file";

export { TenantError } from "./errors";

export type BuildStatus = "pending" | "building" | "built" | "retrying" | "failed";

/** Answers a build's dependency question: undefined when all install, else the build's error message. */
export type DependencyCheck = (dependencies: readonly Dependency[]) => Promise<string | undefined>;

export interface ModelOptions {
  /** Epoch ms; injectable so tests control build timing. */
  now?: () => number;
  newId?: () => string;
  /** How long a build takes; 0 means the first read after saving already sees the result. */
  buildDurationMs?: number;
  /** How long a failing build reports `retrying` before `failed`. Default 0. */
  buildRetryMs?: number;
  /** Asked for each build with dependencies that pass the syntax check. Absent: only the syntax check. */
  checkDependencies?: DependencyCheck;
  /** Called after every change with the full state, before the change is reported to the caller. */
  onChange?: (state: TenantState) => void;
}

export class TenantModel {
  private state: TenantState;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly onChange?: (state: TenantState) => void;
  buildDurationMs: number;
  buildRetryMs: number;
  private readonly checkDependencies?: DependencyCheck;
  private readonly checks = new Set<Promise<void>>();

  constructor(initial: TenantState = emptyState(), options: ModelOptions = {}) {
    checkStateFormat(initial);
    this.state = structuredClone(initial);
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    this.onChange = options.onChange;
    this.buildDurationMs = options.buildDurationMs ?? 0;
    this.buildRetryMs = options.buildRetryMs ?? 0;
    this.checkDependencies = options.checkDependencies;
    // Builds whose check was running when the tenant stopped are asked again.
    for (const action of this.state.actions) if (action.build.result === "unresolved") this.runCheck(action);
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
    // Verbatim from recorded real traffic: no errorCode in this one.
    if (!action) throw new TenantError(404, undefined, "That action does not exist.");
    return action;
  }

  createAction(body: ActionInput): ActionRecord {
    const input = checkActionBody(body, ACTION_CREATE_BODY);
    const name = input.name!;
    const triggers = input.supported_triggers!;
    const code = input.code ?? "";
    if (this.state.actions.length >= AUTH0_LIMITS.actionsPerTenant) {
      throw new TenantError(400, "too_many_entities", `A tenant may have at most ${AUTH0_LIMITS.actionsPerTenant} actions.`);
    }
    const at = this.isoNow();
    const action: ActionRecord = {
      id: this.newId(),
      name,
      supported_triggers: triggers,
      code,
      dependencies: dependenciesOf(input),
      runtime: input.runtime ?? DEFAULT_RUNTIME,
      secrets: input.secrets === undefined ? [] : mergeSecrets(input.secrets, [], at),
      ...(input.modules?.length ? { modules: this.checkModuleRefs(input.modules) } : {}),
      created_at: at,
      updated_at: at,
      build: this.startBuild(dependenciesOf(input)),
      versions: [],
    };
    this.state.actions.push(action);
    this.changed();
    this.runCheck(action);
    return action;
  }

  /** Fields absent from the body keep their value, as in Auth0's PATCH. */
  updateAction(id: string, body: ActionInput): ActionRecord {
    const action = this.getAction(id);
    const input = checkActionBody(body, ACTION_UPDATE_BODY);
    const at = this.isoNow();
    const next: ActionRecord = { ...action };
    if (input.name !== undefined) next.name = input.name;
    if (input.supported_triggers !== undefined) next.supported_triggers = input.supported_triggers;
    if (input.code !== undefined) next.code = input.code;
    if (input.runtime !== undefined) next.runtime = input.runtime;
    if (input.dependencies !== undefined) next.dependencies = dependenciesOf(input);
    if (input.secrets !== undefined) next.secrets = mergeSecrets(input.secrets, action.secrets, at);
    if (input.modules !== undefined) next.modules = this.checkModuleRefs(input.modules);
    next.updated_at = at;
    // Any save makes a new draft build, even when only secrets changed: Auth0 rebuilds too.
    next.build = this.startBuild(next.dependencies);
    Object.assign(action, next);
    this.changed();
    this.runCheck(action);
    return action;
  }

  deleteAction(id: string, options: { force?: boolean } = {}): void {
    this.getAction(id); // 404 for an unknown id, before anything else
    const boundTo = Object.entries(this.state.bindings)
      .filter(([, list]) => list.some((b) => b.action_id === id))
      .map(([trigger]) => trigger);
    if (boundTo.length > 0 && !options.force) {
      // Auth0's own words: the provider prints them as "409 Conflict: Unable to delete an action bound to a trigger."
      throw new TenantError(409, "action_bound", "Unable to delete an action bound to a trigger.");
    }
    for (const trigger of boundTo) this.state.bindings[trigger] = this.state.bindings[trigger].filter((b) => b.action_id !== id);
    this.state.actions = this.state.actions.filter((a) => a.id !== id);
    this.changed();
  }

  statusOf(action: ActionRecord): BuildStatus {
    const now = this.now();
    const { requested_at, ready_at, result, settled_at = 0, retry_ms = 0 } = action.build;
    const early = now < requested_at + (ready_at - requested_at) / 2 ? "pending" : "building";
    if (result === "unresolved") return early;
    const doneAt = Math.max(ready_at, settled_at);
    if (now < doneAt) return early;
    if (result === "built") return "built";
    return now < doneAt + retry_ms ? "retrying" : "failed";
  }

  /** Resolves when every dependency check started so far has answered (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.checks.size > 0) await Promise.all([...this.checks]);
  }

  /** Deploys the current draft as a new immutable version, which serves traffic at once. */
  deployAction(id: string): VersionRecord {
    const action = this.getAction(id);
    const status = this.statusOf(action);
    if (status !== "built") {
      throw new TenantError(
        400,
        "action_not_built",
        `A draft must be in the 'built' state before it can be deployed (the draft is '${status}').`,
      );
    }
    return this.addVersion(action, {
      code: action.code,
      dependencies: action.dependencies,
      runtime: action.runtime,
      secrets: action.secrets,
      supported_triggers: action.supported_triggers,
      modules: action.modules ?? [],
      built_at: new Date(Math.max(action.build.ready_at, action.build.settled_at ?? 0)).toISOString(),
    });
  }

  /**
   * Auth0's roll-back: a new version identical to an earlier one, deployed. With `updateDraft`
   * (Auth0's `update_draft: true`, what the dashboard's Revert does) the draft becomes a copy of it
   * too: code, dependencies, runtime, secrets and module pins, already built. Without it the draft
   * is left as it was, so it still holds the code rolled back from.
   */
  redeployVersion(id: string, versionId: string, options: { updateDraft?: boolean } = {}): VersionRecord {
    const action = this.getAction(id);
    const old = this.getVersion(id, versionId);
    const version = this.addVersion(action, { ...old, built_at: old.built_at });
    if (options.updateDraft) {
      const at = this.isoNow();
      Object.assign(action, {
        code: old.code,
        dependencies: structuredClone(old.dependencies),
        runtime: old.runtime,
        secrets: structuredClone(old.secrets),
        modules: structuredClone(old.modules ?? []),
        updated_at: at,
        // The version was built once: its copy needs no new build.
        build: { id: this.newId(), requested_at: this.now(), ready_at: this.now(), result: "built" },
      } satisfies Partial<ActionRecord>);
      this.changed();
    }
    return version;
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
      secretsOf(deployed.secrets) === secretsOf(action.secrets) &&
      JSON.stringify(deployed.modules ?? []) === JSON.stringify(action.modules ?? [])
    );
  }

  // ---- Bindings --------------------------------------------------------------------------

  getBindings(trigger: string): BindingRecord[] {
    requireTrigger(trigger);
    return this.state.bindings[trigger] ?? [];
  }

  /** Replaces the trigger's whole list (Auth0's PATCH .../bindings). Each call makes new binding ids. */
  replaceBindings(trigger: string, list: unknown): BindingRecord[] {
    requireTrigger(trigger);
    const input = validatePayload<{ bindings: BindingInput[] }>({ bindings: list }, BINDINGS_BODY).bindings;
    if (input.length > AUTH0_LIMITS.actionsPerTrigger) {
      throw new TenantError(400, "too_many_entities", `A trigger may have at most ${AUTH0_LIMITS.actionsPerTrigger} bound actions.`);
    }
    const at = this.isoNow();
    const bindings = input.map((entry): BindingRecord => {
      const action = this.resolveRef(entry.ref);
      if (!action.supported_triggers.some((t) => t.id === trigger)) {
        throw new TenantError(400, "invalid_body", `Action "${action.name}" does not support the ${trigger} trigger.`);
      }
      if (!action.deployed_version_id) {
        throw new TenantError(400, "action_not_deployed", `Action "${action.name}" is not deployed yet: deploy it before binding it.`);
      }
      const displayName = entry.display_name ?? action.name;
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

  // ---- Action Modules --------------------------------------------------------------------

  listModules(): ModuleRecord[] {
    return this.state.modules ?? [];
  }

  getModule(id: string): ModuleRecord {
    const found = this.listModules().find((m) => m.id === id);
    if (!found) throw new TenantError(404, "inexistent_action_module", "The action module does not exist.");
    return found;
  }

  createModule(body: unknown): ModuleRecord {
    const input = checkModuleBody(body, MODULE_CREATE_BODY);
    if (this.listModules().some((m) => m.name === input.name))
      throw new TenantError(409, "action_module_conflict", `An action module named "${input.name}" already exists.`);
    const at = this.isoNow();
    const module: ModuleRecord = {
      id: this.newId(),
      name: input.name!,
      code: input.code!,
      dependencies: (input.dependencies ?? []).map(({ name, version }) => ({ name, version })),
      secrets: input.secrets === undefined ? [] : mergeSecrets(input.secrets, [], at),
      created_at: at,
      updated_at: at,
      versions: [],
    };
    (this.state.modules ??= []).push(module);
    if (input.publish) this.publishModule(module.id);
    this.changed();
    return module;
  }

  /** Fields absent from the body keep their value; only the draft changes (publish makes a version). */
  updateModule(id: string, body: unknown): ModuleRecord {
    const module = this.getModule(id);
    const input = checkModuleBody(body, MODULE_UPDATE_BODY);
    const at = this.isoNow();
    if (input.code !== undefined) module.code = input.code;
    if (input.dependencies !== undefined) module.dependencies = input.dependencies.map(({ name, version }) => ({ name, version }));
    if (input.secrets !== undefined) module.secrets = mergeSecrets(input.secrets, module.secrets, at);
    module.updated_at = at;
    this.changed();
    return module;
  }

  /** Auth0 refuses to delete a module an Action still uses (its draft or its deployed version). */
  deleteModule(id: string): void {
    const module = this.getModule(id);
    const users = this.actionsUsingModule(id, { draftToo: true });
    if (users.length > 0) {
      throw new TenantError(
        409,
        "action_module_in_use",
        `The action module "${module.name}" cannot be deleted because it is used by ${users.map((u) => `"${u.action.name}"`).join(", ")}. Remove it from those actions first.`,
      );
    }
    this.state.modules = this.listModules().filter((m) => m.id !== id);
    this.changed();
  }

  /** POST .../versions: the draft becomes a new immutable version. */
  publishModule(id: string): ModuleVersionRecord {
    const module = this.getModule(id);
    const version: ModuleVersionRecord = {
      id: this.newId(),
      version_number: (module.versions.at(-1)?.version_number ?? 0) + 1,
      code: module.code,
      dependencies: structuredClone(module.dependencies),
      secrets: structuredClone(module.secrets),
      created_at: this.isoNow(),
    };
    module.versions.push(version);
    this.changed();
    return version;
  }

  /**
   * Auth0's module roll-back (POST .../modules/{id}/rollback): copies a published version's code,
   * dependencies and secrets into the draft. Nothing is published; the versions are unchanged.
   */
  rollbackModuleDraft(id: string, versionId: string): ModuleRecord {
    const module = this.getModule(id);
    const version = this.getModuleVersion(id, versionId);
    module.code = version.code;
    module.dependencies = structuredClone(version.dependencies);
    module.secrets = structuredClone(version.secrets);
    module.updated_at = this.isoNow();
    this.changed();
    return module;
  }

  getModuleVersion(id: string, versionId: string): ModuleVersionRecord {
    const version = this.getModule(id).versions.find((v) => v.id === versionId);
    if (!version) throw new TenantError(404, "inexistent_action_module_version", "The action module version does not exist.");
    return version;
  }

  /** Actions whose deployed version (and, with draftToo, whose draft) pins a version of the module. */
  actionsUsingModule(moduleId: string, options: { draftToo?: boolean } = {}): Array<{ action: ActionRecord; ref: ModuleRef }> {
    return this.state.actions.flatMap((action) => {
      const refs = [...(this.deployedVersion(action)?.modules ?? []), ...(options.draftToo ? (action.modules ?? []) : [])];
      const ref = refs.find((r) => r.module_id === moduleId);
      return ref ? [{ action, ref }] : [];
    });
  }

  /** The module versions a deployed Action version runs with: name → published code. */
  modulesOf(version: VersionRecord): Record<string, string> {
    return Object.fromEntries(
      (version.modules ?? []).flatMap((ref) => {
        const module = this.listModules().find((m) => m.id === ref.module_id);
        const pinned = module?.versions.find((v) => v.id === ref.module_version_id);
        return module && pinned ? [[module.name, pinned.code]] : [];
      }),
    );
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
      modules: structuredClone(from.modules ?? []),
      created_at: at,
      updated_at: at,
      built_at: from.built_at,
    };
    action.versions.push(version);
    // Auth0 keeps the latest 50 versions; older ones disappear (never the deployed one).
    while (action.versions.length > AUTH0_LIMITS.versionsPerAction) action.versions.shift();
    action.deployed_version_id = version.id;
    this.changed();
    return version;
  }

  /** An Action may pin only published versions of existing modules, one version per module. */
  private checkModuleRefs(refs: ModuleRef[]): ModuleRef[] {
    const seen = new Set<string>();
    return refs.map((ref, i) => {
      const module = this.listModules().find((m) => m.id === ref.module_id);
      if (!module) throw new TenantError(400, "invalid_body", `The action module "${ref.module_id}" (modules[${i}]) does not exist.`);
      if (!module.versions.some((v) => v.id === ref.module_version_id))
        throw new TenantError(
          400,
          "invalid_body",
          `The action module "${module.name}" has no published version "${ref.module_version_id}" (modules[${i}]); publish the module first.`,
        );
      if (seen.has(ref.module_id))
        throw payloadError(`Array items are not unique (module ${JSON.stringify(module.name)})`, `modules[${i}]`);
      seen.add(ref.module_id);
      return { module_id: ref.module_id, module_version_id: ref.module_version_id };
    });
  }

  private resolveRef(ref: BindingInput["ref"]): ActionRecord {
    if (ref.type === "action_id") return this.getAction(ref.value);
    const found = this.state.actions.find((a) => a.name === ref.value);
    if (!found) throw new TenantError(404, undefined, "That action does not exist.");
    return found;
  }

  private startBuild(dependencies: readonly Dependency[]): BuildRecord {
    const requested = this.now();
    const error = dependencyError(dependencies);
    const ask = !error && dependencies.length > 0 && this.checkDependencies !== undefined;
    return {
      id: this.newId(),
      requested_at: requested,
      ready_at: requested + this.buildDurationMs,
      result: error ? "failed" : ask ? "unresolved" : "built",
      retry_ms: this.buildRetryMs,
      ...(error ? { error } : {}),
    };
  }

  /** Asks the dependency check for an unresolved build; the answer lands only if the draft was not saved again meanwhile. */
  private runCheck(action: ActionRecord): void {
    const check = this.checkDependencies;
    const build = action.build;
    if (!check || build.result !== "unresolved") return;
    const settle = (error: string | undefined) => {
      const current = this.state.actions.find((a) => a.id === action.id);
      if (!current || current.build.id !== build.id) return;
      current.build = { ...current.build, result: error ? "failed" : "built", settled_at: this.now(), ...(error ? { error } : {}) };
      this.changed();
    };
    const running: Promise<void> = check(action.dependencies)
      .then(settle, (caught: unknown) => settle(`npm ERR! ${caught instanceof Error ? caught.message : String(caught)}`))
      // A failed save (onChange) must not become an unhandled rejection that stops the tenant.
      .catch(() => undefined)
      .finally(() => this.checks.delete(running));
    this.checks.add(running);
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

function requireTrigger(trigger: string): void {
  if (!isTrigger(trigger)) throw new TenantError(404, "inexistent_trigger", `The trigger "${trigger}" does not exist.`);
}

function dependenciesOf(input: ValidActionInput): Dependency[] {
  return (input.dependencies ?? []).map(({ name, version }) => ({ name, version }));
}

/** A list replaces the Action's secrets; a name sent without a value keeps its stored value. */
function mergeSecrets(list: readonly SecretInput[], previous: StoredSecret[], at: string): StoredSecret[] {
  return list.map((s, i) => {
    const old = previous.find((p) => p.name === s.name);
    if (s.value === undefined) {
      // z-schema's words for a required property: "value" is required only for a new secret name.
      if (!old) throw payloadError("Missing required property: value", `secrets[${i}]`);
      return { ...old };
    }
    return old && old.value === s.value ? { ...old } : { name: s.name, value: s.value, updated_at: at };
  });
}
