/** The tenant model alone (no HTTP): build states, versions, bindings, Auth0's refusals, persistence. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ACCEPTED_TRIGGERS, isTrigger } from "../../src/local-tenant/catalog";
import { TenantError, TenantModel } from "../../src/local-tenant/model";
import { emptyState, type TenantState } from "../../src/local-tenant/state-file";
import { JsonStore } from "../../src/local-tenant/store";
import { AUTH0_TRIGGER_VERSIONS, TRIGGERS } from "../../src/triggers";
import { tempDir } from "../support/local-tenant";

const POST_LOGIN = [{ id: "post-login", version: "v3" }];
const CODE = "exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('/a', 1); };";

function clockedModel(buildDurationMs = 1000, initial?: TenantState) {
  let now = Date.parse("2026-11-01T00:00:00.000Z");
  let n = 0;
  const model = new TenantModel(initial ?? emptyState(), { now: () => now, newId: () => `id-${++n}`, buildDurationMs });
  return { model, advance: (ms: number) => (now += ms) };
}

function expectTenantError(fn: () => unknown, statusCode: number, errorCode: string | undefined): TenantError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TenantError);
    expect((error as TenantError).statusCode).toBe(statusCode);
    expect((error as TenantError).errorCode).toBe(errorCode);
    return error as TenantError;
  }
  throw new Error("expected a TenantError");
}

describe("triggers", () => {
  it("accepts Auth0's triggers and versions (GET /actions/triggers), in Auth0's order", () => {
    expect(Object.entries(ACCEPTED_TRIGGERS)).toEqual([
      ["post-login", ["v1", "v2", "v3"]],
      ["credentials-exchange", ["v1", "v2"]],
      ["pre-user-registration", ["v1", "v2"]],
      ["post-user-registration", ["v1", "v2"]],
      ["post-change-password", ["v1", "v2"]],
      ["send-phone-message", ["v1", "v2"]],
      ["password-reset-post-challenge", ["v1"]],
      ["custom-email-provider", ["v1"]],
      ["custom-phone-provider", ["v1"]],
      ["login-post-identifier", ["v1"]],
      ["signup-post-identifier", ["v1"]],
    ]);
    expect(isTrigger("constructor")).toBe(false);
    expect(isTrigger("__proto__")).toBe(false);
  });

  it("takes every trigger of the trigger table, with the versions the table gives, and lists none of its own", () => {
    for (const spec of TRIGGERS) expect(ACCEPTED_TRIGGERS[spec.id]).toEqual(spec.auth0Versions);
    expect(Object.keys(ACCEPTED_TRIGGERS)).toEqual(AUTH0_TRIGGER_VERSIONS.map(([id]) => id));
  });
});

describe("build state machine", () => {
  it("goes pending -> building -> built, and only a built draft deploys", () => {
    const { model, advance } = clockedModel(1000);
    const action = model.createAction({ name: "a", supported_triggers: POST_LOGIN, code: CODE });
    expect(model.statusOf(action)).toBe("pending");
    expectTenantError(() => model.deployAction(action.id), 400, "action_not_built");
    advance(600);
    expect(model.statusOf(action)).toBe("building");
    advance(400);
    expect(model.statusOf(action)).toBe("built");
    expect(model.deployAction(action.id).number).toBe(1);
  });

  it("builds code with a syntax error, as Auth0's build does (it installs dependencies, it does not parse)", () => {
    const { model, advance } = clockedModel(10);
    // The unterminated string mirrors code that a real tenant built and deployed in recorded traffic.
    const action = model.createAction({
      name: "unparsable",
      supported_triggers: POST_LOGIN,
      code: 'exports.onExecutePostLogin = async () => {};"\n',
    });
    advance(10);
    expect(model.statusOf(action)).toBe("built");
  });

  it("fails the build on a dependency npm could never install, and refuses to deploy it", () => {
    const { model, advance } = clockedModel(10);
    const action = model.createAction({
      name: "broken",
      supported_triggers: POST_LOGIN,
      code: "exports.onExecutePostLogin = async () => {};",
      dependencies: [{ name: "Not A Package", version: "1.0.0" }],
    });
    advance(10);
    expect(model.statusOf(action)).toBe("failed");
    expect(action.build.error).toMatch(/Invalid package name "Not A Package"/);
    expectTenantError(() => model.deployAction(action.id), 400, "action_not_built");
  });
});

describe("build state machine with a dependency check", () => {
  it("stays building until the check answers, then reports retrying before failed for a missing package", async () => {
    let now = 1_000_000;
    let answer: (error: string | undefined) => void = () => undefined;
    const model = new TenantModel(emptyState(), {
      now: () => now,
      buildDurationMs: 0,
      buildRetryMs: 500,
      checkDependencies: () => new Promise((resolve) => (answer = resolve)),
    });
    const action = model.createAction({
      name: "a",
      supported_triggers: POST_LOGIN,
      code: CODE,
      dependencies: [{ name: "crypto", version: "17.7.1" }],
    });
    now += 10_000;
    expect(model.statusOf(action)).toBe("building");
    answer("npm error notarget No matching version found for crypto@17.7.1.");
    await model.settled();
    expect(model.statusOf(action)).toBe("retrying");
    expectTenantError(() => model.deployAction(action.id), 400, "action_not_built");
    now += 500;
    expect(model.statusOf(action)).toBe("failed");
    expect(action.build.error).toContain("crypto@17.7.1");
  });

  it("ignores a late answer for a draft saved again meanwhile", async () => {
    const answers: Array<(error: string | undefined) => void> = [];
    const model = new TenantModel(emptyState(), { checkDependencies: () => new Promise((resolve) => answers.push(resolve)) });
    const action = model.createAction({
      name: "a",
      supported_triggers: POST_LOGIN,
      code: CODE,
      dependencies: [{ name: "left-pad", version: "1.3.0" }],
    });
    model.updateAction(action.id, { dependencies: [{ name: "left-pad", version: "1.3.0" }] });
    answers[0]("npm error notarget (the first build's answer)");
    answers[1](undefined);
    await model.settled();
    expect(model.statusOf(action)).toBe("built");
  });
});

describe("versions", () => {
  it("numbers deployed versions, keeps old ones immutable and tracks all_changes_deployed", () => {
    const { model } = clockedModel(0);
    const action = model.createAction({ name: "a", supported_triggers: POST_LOGIN, code: CODE, secrets: [{ name: "S", value: "one" }] });
    expect(model.allChangesDeployed(action)).toBe(false);
    const v1 = model.deployAction(action.id);
    expect(model.allChangesDeployed(action)).toBe(true);
    model.updateAction(action.id, { code: `${CODE}\n// two` });
    expect(model.allChangesDeployed(action)).toBe(false);
    // The deployed version still serves the old code until the next deploy.
    expect(model.deployedVersion(action)?.code).toBe(CODE);
    const v2 = model.deployAction(action.id);
    expect([v1.number, v2.number]).toEqual([1, 2]);
    expect(model.getVersion(action.id, v1.id).code).toBe(CODE);
    expect(model.deployedVersion(action)?.id).toBe(v2.id);
    // A roll-back is a new version identical to the old one.
    const v3 = model.redeployVersion(action.id, v1.id);
    expect(v3.number).toBe(3);
    expect(v3.code).toBe(CODE);
  });

  it("a version deploy leaves the draft as it was unless update_draft asks for a copy of the version", () => {
    const { model } = clockedModel(0);
    const action = model.createAction({ name: "a", supported_triggers: POST_LOGIN, code: CODE, secrets: [{ name: "S", value: "one" }] });
    const v1 = model.deployAction(action.id);
    model.updateAction(action.id, { code: `${CODE}\n// bad`, dependencies: [{ name: "left-pad", version: "1.3.0" }] });
    model.deployAction(action.id);

    const v3 = model.redeployVersion(action.id, v1.id);
    expect(model.deployedVersion(action)).toMatchObject({ id: v3.id, number: 3, code: CODE, dependencies: [] });
    // The draft still holds the code rolled back from: Terraform's refresh would read that.
    expect(action.code).toBe(`${CODE}\n// bad`);
    expect(model.allChangesDeployed(action)).toBe(false);

    const v4 = model.redeployVersion(action.id, v1.id, { updateDraft: true });
    expect(v4.number).toBe(4);
    expect([action.code, action.dependencies, action.secrets.map((s) => [s.name, s.value])]).toEqual([CODE, [], [["S", "one"]]]);
    expect(model.statusOf(action)).toBe("built");
    expect(model.allChangesDeployed(action)).toBe(true);
  });

  it("rolling back restores the earlier version's module pins, in the draft too with update_draft", () => {
    const { model } = clockedModel(0);
    const module = model.createModule({ name: "greeting", code: "exports.v = 1;" });
    const m1 = model.publishModule(module.id);
    const action = model.createAction({
      name: "a",
      supported_triggers: POST_LOGIN,
      code: 'require("actions:greeting")',
      modules: [{ module_id: module.id, module_version_id: m1.id }],
    });
    const v1 = model.deployAction(action.id);
    model.updateModule(module.id, { code: "exports.v = 2;" });
    const m2 = model.publishModule(module.id);
    model.updateAction(action.id, { modules: [{ module_id: module.id, module_version_id: m2.id }] });
    expect(model.modulesOf(model.deployAction(action.id))).toEqual({ greeting: "exports.v = 2;" });

    const back = model.redeployVersion(action.id, v1.id, { updateDraft: true });
    expect(model.modulesOf(back)).toEqual({ greeting: "exports.v = 1;" });
    expect(action.modules).toEqual([{ module_id: module.id, module_version_id: m1.id }]);
  });

  it("keeps the latest 50 versions: older ones leave the history and cannot be deployed again", () => {
    const { model } = clockedModel(0);
    const action = model.createAction({ name: "a", supported_triggers: POST_LOGIN, code: CODE });
    const v1 = model.deployAction(action.id);
    for (let n = 2; n <= 52; n++) {
      model.updateAction(action.id, { code: `${CODE}\n// ${n}` });
      model.deployAction(action.id);
    }
    expect(action.versions.map((v) => v.number)).toEqual(Array.from({ length: 50 }, (_, i) => i + 3));
    expect(model.deployedVersion(action)?.number).toBe(52);
    expectTenantError(() => model.getVersion(action.id, v1.id), 404, "inexistent_action_version");
    expectTenantError(() => model.redeployVersion(action.id, v1.id), 404, "inexistent_action_version");
    // A roll-back is a version too: it pushes the oldest one out.
    model.redeployVersion(action.id, action.versions[0].id);
    expect([action.versions[0].number, action.versions.at(-1)?.number]).toEqual([4, 53]);
  });

  it("keeps a secret's value when an update names it without a value, and replaces the list otherwise", () => {
    const { model } = clockedModel(0);
    const action = model.createAction({
      name: "a",
      supported_triggers: POST_LOGIN,
      code: CODE,
      secrets: [
        { name: "A", value: "1" },
        { name: "B", value: "2" },
      ],
    });
    model.updateAction(action.id, { secrets: [{ name: "A" }] });
    expect(action.secrets.map((s) => [s.name, s.value])).toEqual([["A", "1"]]);
    expectTenantError(() => model.updateAction(action.id, { secrets: [{ name: "NEW" }] }), 400, "invalid_body");
  });

  it("rejects bodies Auth0 rejects, naming the field", () => {
    const { model } = clockedModel(0);
    const error = expectTenantError(() => model.createAction({ supported_triggers: POST_LOGIN, code: CODE }), 400, "invalid_body");
    expect(error.message).toBe("Payload validation error: 'Missing required property: name'.");
    expect(
      expectTenantError(
        () => model.createAction({ name: "a", supported_triggers: [{ id: "post-login", version: "v9" }], code: "" }),
        400,
        "invalid_body",
      ).message,
    ).toBe(`Payload validation error: 'No enum match for: v9' on property supported_triggers[0].version.`);
    expect(
      expectTenantError(
        () => model.createAction({ name: "a", supported_triggers: POST_LOGIN, code: "", runtime: "node8" }),
        400,
        "invalid_body",
      ).message,
    ).toContain("runtime");
  });
});

describe("bindings", () => {
  it("binds only deployed Actions, replaces the list with new binding ids, and runs deployed versions in order", () => {
    const { model } = clockedModel(0);
    const a = model.createAction({ name: "a", supported_triggers: POST_LOGIN, code: CODE });
    const b = model.createAction({ name: "b", supported_triggers: POST_LOGIN, code: CODE });
    expectTenantError(() => model.replaceBindings("post-login", [{ ref: { type: "action_id", value: a.id } }]), 400, "action_not_deployed");
    model.deployAction(a.id);
    model.deployAction(b.id);
    const first = model.replaceBindings("post-login", [{ ref: { type: "action_id", value: a.id }, display_name: "A" }]);
    const second = model.replaceBindings("post-login", [
      { ref: { type: "action_name", value: "b" } },
      { ref: { type: "action_id", value: a.id }, display_name: "A" },
    ]);
    expect(second.map((x) => x.display_name)).toEqual(["b", "A"]);
    expect(second[1].id).not.toBe(first[0].id);
    expect(model.deployedFlow("post-login").map((f) => f.action.name)).toEqual(["b", "a"]);
    expectTenantError(() => model.getBindings("no-such-trigger"), 404, "inexistent_trigger");
  });

  it("refuses to delete a bound Action (409) unless forced, and deletes it once unbound", () => {
    const { model } = clockedModel(0);
    const a = model.createAction({ name: "a", supported_triggers: POST_LOGIN, code: CODE });
    model.deployAction(a.id);
    model.replaceBindings("post-login", [{ ref: { type: "action_id", value: a.id } }]);
    expect(expectTenantError(() => model.deleteAction(a.id), 409, "action_bound").message).toBe(
      "Unable to delete an action bound to a trigger.",
    );
    expect(model.listActions()).toHaveLength(1);
    model.replaceBindings("post-login", []);
    model.deleteAction(a.id);
    expect(model.listActions()).toHaveLength(0);
    expect(expectTenantError(() => model.getAction(a.id), 404, undefined).message).toBe("That action does not exist.");

    const b = model.createAction({ name: "b", supported_triggers: POST_LOGIN, code: CODE });
    model.deployAction(b.id);
    model.replaceBindings("post-login", [{ ref: { type: "action_id", value: b.id } }]);
    model.deleteAction(b.id, { force: true });
    expect(model.getBindings("post-login")).toEqual([]);
  });
});

describe("persistence", () => {
  it("saves every change atomically and a new model over the same file continues where the old one stopped", () => {
    const dir = tempDir("model");
    const store = new JsonStore<TenantState>(join(dir, "tenant.json"));
    let clock = Date.parse("2026-11-01T00:00:00.000Z");
    const first = new TenantModel(emptyState(), { now: () => clock, buildDurationMs: 5000, onChange: (s) => store.save(s) });
    const action = first.createAction({ name: "a", supported_triggers: POST_LOGIN, code: CODE });
    // No temporary file is left next to the state file.
    expect(readdirSync(dir)).toEqual(["tenant.json"]);
    expect(JSON.parse(readFileSync(join(dir, "tenant.json"), "utf8")).actions[0].id).toBe(action.id);

    // "Restart" mid-build: the build finishes on schedule in the new process.
    clock += 5000;
    const second = new TenantModel(store.load(), { now: () => clock, onChange: (s) => store.save(s) });
    expect(second.statusOf(second.getAction(action.id))).toBe("built");
    second.deployAction(action.id);
    const third = new TenantModel(store.load(), { now: () => clock });
    expect(third.getAction(action.id).versions).toHaveLength(1);
    expect(existsSync(join(dir, "tenant.json"))).toBe(true);
  });

  it("refuses a state file of another format", () => {
    expect(() => new TenantModel({ ...emptyState(), format: 99 as 1 })).toThrow(/format 99/);
  });
});
