/**
 * Management API: /api/v2/actions/modules — Action Modules, their published versions and the
 * Actions using them. Wire shapes as the provider's recorded traffic against a real tenant shows
 * them: a create answers 201, a publish (POST .../versions) 200, a delete 204; deleting a module an
 * Action still uses answers 409.
 */
import type { TenantModel } from "../model";
import type { ModuleRecord, ModuleVersionRecord } from "../module-records";
import type { StoredSecret } from "../record-types";
import type { Req, RouteArea } from "./context";
import { TenantError } from "../errors";
import { objectBody } from "./http";
import { paginate } from "./pagination";

const secretNames = (secrets: StoredSecret[]) => secrets.map((s) => ({ name: s.name, updated_at: s.updated_at }));

function moduleVersionView(moduleId: string, v: ModuleVersionRecord) {
  return {
    id: v.id,
    module_id: moduleId,
    version_number: v.version_number,
    code: v.code,
    secrets: secretNames(v.secrets),
    dependencies: v.dependencies,
    created_at: v.created_at,
  };
}

function moduleView(model: TenantModel, m: ModuleRecord) {
  const latest = m.versions.at(-1);
  const secretsOf = (s: StoredSecret[]) => JSON.stringify(s.map(({ name, value }) => [name, value]));
  return {
    id: m.id,
    name: m.name,
    code: m.code,
    dependencies: m.dependencies,
    secrets: secretNames(m.secrets),
    all_changes_published:
      latest !== undefined &&
      latest.code === m.code &&
      JSON.stringify(latest.dependencies) === JSON.stringify(m.dependencies) &&
      secretsOf(latest.secrets) === secretsOf(m.secrets),
    actions_using_module_total: model.actionsUsingModule(m.id).length,
    created_at: m.created_at,
    updated_at: m.updated_at,
    ...(latest
      ? {
          latest_version_number: latest.version_number,
          latest_version: {
            id: latest.id,
            version_number: latest.version_number,
            code: latest.code,
            dependencies: latest.dependencies,
            secrets: secretNames(latest.secrets),
            created_at: latest.created_at,
          },
        }
      : {}),
  };
}

export const actionModulesRoutes: RouteArea = (app, { model }) => {
  app.get("/api/v2/actions/modules", (request: Req) =>
    paginate(
      "modules",
      model.listModules().map((m) => moduleView(model, m)),
      request.query,
    ),
  );

  app.post("/api/v2/actions/modules", (request: Req, reply) =>
    reply.code(201).send(moduleView(model, model.createModule(objectBody(request.body)))),
  );

  app.get("/api/v2/actions/modules/:id", (request: Req) => moduleView(model, model.getModule(request.params.id)));

  app.patch("/api/v2/actions/modules/:id", (request: Req) =>
    moduleView(model, model.updateModule(request.params.id, objectBody(request.body))),
  );

  app.delete("/api/v2/actions/modules/:id", (request: Req, reply) => {
    model.deleteModule(request.params.id);
    return reply.code(204).send();
  });

  app.post("/api/v2/actions/modules/:id/rollback", (request: Req) => {
    const body = objectBody(request.body);
    if (typeof body.module_version_id !== "string")
      throw new TenantError(400, "invalid_body", "Payload validation error: 'Missing required property: module_version_id'.");
    return moduleView(model, model.rollbackModuleDraft(request.params.id, body.module_version_id));
  });

  app.post("/api/v2/actions/modules/:id/versions", (request: Req) =>
    moduleVersionView(request.params.id, model.publishModule(request.params.id)),
  );

  app.get("/api/v2/actions/modules/:id/versions", (request: Req) => {
    const module = model.getModule(request.params.id);
    // Newest first, as recorded.
    return paginate(
      "versions",
      [...module.versions].reverse().map((v) => moduleVersionView(module.id, v)),
      request.query,
    );
  });

  app.get("/api/v2/actions/modules/:id/versions/:versionId", (request: Req) =>
    moduleVersionView(request.params.id, model.getModuleVersion(request.params.id, request.params.versionId)),
  );

  app.get("/api/v2/actions/modules/:id/actions", (request: Req) => {
    const module = model.getModule(request.params.id);
    return paginate(
      "actions",
      model.actionsUsingModule(module.id).map(({ action, ref }) => ({
        action_id: action.id,
        action_name: action.name,
        module_version_id: ref.module_version_id,
        module_version_number: module.versions.find((v) => v.id === ref.module_version_id)?.version_number,
        supported_triggers: action.supported_triggers,
      })),
      request.query,
    );
  });
};
