/** The local tenant's Action Modules (model): versions, pins, and the 409 for a module in use. */
import { TenantError, TenantModel } from "../../src/local-tenant/model";
import { emptyState } from "../../src/local-tenant/state-file";

function newModel() {
  let n = 0;
  return new TenantModel(emptyState(), { now: () => 1_700_000_000_000, newId: () => `id-${++n}` });
}

const POST_LOGIN = [{ id: "post-login", version: "v3" }];

function tenantError(fn: () => unknown): TenantError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TenantError) return error;
    throw error;
  }
  throw new Error("expected a TenantError");
}

it("publishing makes immutable versions: an Action keeps running the version it is pinned to after the draft changes", () => {
  const model = newModel();
  const module = model.createModule({ name: "greeting", code: "exports.v = 1;" });
  const v1 = model.publishModule(module.id);
  model.updateModule(module.id, { code: "exports.v = 2;" });
  const v2 = model.publishModule(module.id);
  expect([v1.version_number, v2.version_number]).toEqual([1, 2]);

  const action = model.createAction({
    name: "uses greeting",
    supported_triggers: POST_LOGIN,
    code: 'require("actions:greeting")',
    modules: [{ module_id: module.id, module_version_id: v1.id }],
  });
  const deployed = model.deployAction(action.id);
  model.updateModule(module.id, { code: "exports.v = 3;" });
  expect(model.modulesOf(deployed)).toEqual({ greeting: "exports.v = 1;" });
  expect(model.allChangesDeployed(action)).toBe(true);
  model.updateAction(action.id, { modules: [{ module_id: module.id, module_version_id: v2.id }] });
  expect(model.allChangesDeployed(action)).toBe(false);
});

it("an Action may pin only a published version of an existing module, once", () => {
  const model = newModel();
  const module = model.createModule({ name: "greeting", code: "" });
  const create = (modules: unknown) => () => model.createAction({ name: "a", supported_triggers: POST_LOGIN, modules });
  expect(tenantError(create([{ module_id: "nope", module_version_id: "x" }])).message).toBe(
    'The action module "nope" (modules[0]) does not exist.',
  );
  expect(tenantError(create([{ module_id: module.id, module_version_id: "x" }])).message).toMatch(/has no published version "x"/);
  const v1 = model.publishModule(module.id);
  const twice = { module_id: module.id, module_version_id: v1.id };
  expect(tenantError(create([twice, twice])).statusCode).toBe(400);
  expect(tenantError(create([{ module_id: module.id }])).message).toMatch(/Missing required property: module_version_id/);
});

it("a module used by an Action's draft or deployed version cannot be deleted (409); once no Action uses it, it can", () => {
  const model = newModel();
  const module = model.createModule({ name: "greeting", code: "", publish: true });
  const [v1] = module.versions;
  const action = model.createAction({
    name: "uses greeting",
    supported_triggers: POST_LOGIN,
    modules: [{ module_id: module.id, module_version_id: v1.id }],
  });
  const draftOnly = tenantError(() => model.deleteModule(module.id));
  expect([draftOnly.statusCode, draftOnly.errorCode]).toEqual([409, "action_module_in_use"]);
  model.deployAction(action.id);
  expect(model.actionsUsingModule(module.id).map((u) => u.action.name)).toEqual(["uses greeting"]);
  model.updateAction(action.id, { modules: [] });
  expect(tenantError(() => model.deleteModule(module.id)).statusCode).toBe(409); // the deployed version still runs it
  model.deployAction(action.id);
  model.deleteModule(module.id);
  expect(model.listModules()).toEqual([]);
  expect(tenantError(() => model.getModule(module.id)).statusCode).toBe(404);
});

it("module names are unique per tenant; bodies are checked like Auth0's", () => {
  const model = newModel();
  model.createModule({ name: "greeting", code: "" });
  expect(tenantError(() => model.createModule({ name: "greeting", code: "" })).statusCode).toBe(409);
  expect(tenantError(() => model.createModule({ name: "other" })).message).toBe(
    "Payload validation error: 'Missing required property: code'.",
  );
  expect(tenantError(() => model.createModule({ name: "other", code: "", runtime: "node22" })).message).toMatch(
    /Additional properties not allowed: runtime/,
  );
});

it("a state file written before modules existed loads with none", () => {
  const state = emptyState();
  delete state.modules;
  expect(new TenantModel(state).listModules()).toEqual([]);
});

it("a module roll-back copies a published version into the draft and publishes nothing", () => {
  const model = newModel();
  const module = model.createModule({ name: "greeting", code: "exports.v = 1;", dependencies: [{ name: "lodash", version: "4.17.21" }] });
  const v1 = model.publishModule(module.id);
  model.updateModule(module.id, { code: "exports.v = 2;", dependencies: [] });
  model.publishModule(module.id);
  model.rollbackModuleDraft(module.id, v1.id);
  expect([module.code, module.dependencies]).toEqual(["exports.v = 1;", [{ name: "lodash", version: "4.17.21" }]]);
  expect(module.versions.map((v) => v.version_number)).toEqual([1, 2]);
  expect(tenantError(() => model.rollbackModuleDraft(module.id, "nope")).statusCode).toBe(404);
});
