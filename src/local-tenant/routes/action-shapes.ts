/**
 * Wire shapes of Actions, versions and bindings: model records -> Auth0's JSON, field names and
 * order as the provider's recorded traffic against a real tenant shows them.
 */
import type { ActionRecord, BindingRecord, VersionRecord } from "../action-records";
import type { TenantModel } from "../model";
import type { ModuleRef } from "../module-records";
import type { StoredSecret } from "../record-types";

const secretNames = (secrets: StoredSecret[]) => secrets.map((s) => ({ name: s.name, updated_at: s.updated_at }));

/** An Action's (or version's) module pins with the module's name and version number, as Auth0 reports them; absent when none. */
function modulesView(model: TenantModel, refs: ModuleRef[] | undefined) {
  if (!refs || refs.length === 0) return {};
  return {
    modules: refs.map((ref) => {
      const module = model.listModules().find((m) => m.id === ref.module_id);
      return {
        module_id: ref.module_id,
        module_name: module?.name,
        module_version_id: ref.module_version_id,
        module_version_number: module?.versions.find((v) => v.id === ref.module_version_id)?.version_number,
      };
    }),
  };
}

function currentVersionView(v: VersionRecord) {
  return {
    id: v.id,
    code: v.code,
    runtime: v.runtime,
    status: "BUILT",
    number: v.number,
    build_time: v.built_at,
    created_at: v.created_at,
    updated_at: v.updated_at,
  };
}

function versionView(v: VersionRecord, deployed: boolean, model?: TenantModel) {
  return {
    code: v.code,
    dependencies: v.dependencies,
    id: v.id,
    deployed,
    number: v.number,
    built_at: v.built_at,
    secrets: secretNames(v.secrets),
    ...(model ? modulesView(model, v.modules) : {}),
    status: "built",
    created_at: v.created_at,
    updated_at: v.updated_at,
    runtime: v.runtime,
    supported_triggers: v.supported_triggers,
  };
}

/**
 * `justSaved`: the answer to a create or update reports the new draft as "pending", as Auth0's
 * does, however fast the local build is; reads report the build's actual state.
 */
export function actionView(model: TenantModel, a: ActionRecord, justSaved = false) {
  const latest = a.versions.at(-1);
  const deployed = model.deployedVersion(a);
  const status = justSaved ? "pending" : model.statusOf(a);
  return {
    id: a.id,
    name: a.name,
    supported_triggers: a.supported_triggers,
    created_at: a.created_at,
    updated_at: a.updated_at,
    code: a.code,
    dependencies: a.dependencies,
    runtime: a.runtime,
    status,
    // The build log's reason, in the shape Auth0 gives a version's build errors ({id, msg, url}).
    ...(status === "failed" && a.build.error ? { errors: [{ id: "build_failed", msg: a.build.error }] } : {}),
    secrets: secretNames(a.secrets),
    ...modulesView(model, a.modules),
    ...(latest ? { current_version: currentVersionView(latest) } : {}),
    ...(deployed ? { deployed_version: versionView(deployed, true, model) } : {}),
    all_changes_deployed: model.allChangesDeployed(a),
  };
}

/** The Action fields Auth0 embeds in versions and bindings. */
function actionSummary(a: ActionRecord) {
  return { id: a.id, name: a.name, supported_triggers: a.supported_triggers, created_at: a.created_at, updated_at: a.updated_at };
}

/** The answer to POST .../deploy: the new version, not yet reported as deployed, with its Action. */
export function deployView(a: ActionRecord, v: VersionRecord) {
  const { built_at: _builtAt, ...version } = versionView(v, false);
  return {
    ...version,
    action: { ...actionSummary(a), all_changes_deployed: false },
  };
}

export function versionListItem(model: TenantModel, a: ActionRecord, v: VersionRecord) {
  return { ...versionView(v, model.deployedVersion(a)?.id === v.id, model), action_id: a.id };
}

export function bindingView(model: TenantModel, trigger: string, b: BindingRecord) {
  const a = model.getAction(b.action_id);
  const latest = a.versions.at(-1);
  const deployed = model.deployedVersion(a);
  return {
    id: b.id,
    trigger_id: trigger,
    action: {
      ...actionSummary(a),
      ...(latest ? { current_version: currentVersionView(latest) } : {}),
      ...(deployed ? { deployed_version: versionView(deployed, true) } : {}),
      all_changes_deployed: model.allChangesDeployed(a),
    },
    created_at: b.created_at,
    updated_at: b.updated_at,
    display_name: b.display_name,
  };
}
