/**
 * Second plans, from a saved state: what a reviewer must see when the tenant already runs
 * something. The state files are crafted (format 4, attributes as the provider records them).
 *
 * Why -refresh=false: with resources in state, a normal plan first reads each one from the Auth0
 * Management API. These tests have no tenant to ask, so they compare the configuration with the
 * recorded state only; that comparison is exactly what the review is built from.
 */
jest.mock("../../src/bundle/bundle-action", () => jest.requireActual("../support/plan/extra-handler").bundleModuleWithExtraHandler());

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../src/paths";
import type { Tenant } from "../../src/config/load-tenants";
import { planTenants, type TenantPlanOutcome } from "../../src/plan/run-plan";
import { synthTenants } from "../../src/synth/synth-tenants";
import { EXTRA_HANDLER, tenantFromYaml } from "../support/plan/extra-handler";
import { synthesizedActions, type SynthesizedAction } from "../support/plan/stack";
import { actionResource, bindingResource, flowResource, writeState, type StateResource } from "../support/plan/state";
import { makeWorkspace, normalizeReview, testEnv, removeWorkspaces, type Workspace } from "../support/plan/workspace";

afterAll(removeWorkspaces);

const FLOW_TENANT = `# Authoritative flow with two Actions, in this order.
domain: flow-test.eu.auth0.com
claims:
  namespace: "https://claims.example.com"
  id_token: [usertype]
post_login_flow: authoritative
actions:
  - handler: ${EXTRA_HANDLER}
    name: Fraud check
`;

let ws: Workspace;
let tenants: Tenant[];
let dev: SynthesizedAction;
let flowClaims: SynthesizedAction;
let flowExtra: SynthesizedAction;
let caseNumber = 0;

beforeAll(() => {
  ws = makeWorkspace({});
  tenants = [tenantFromYaml("dev", readFileSync(join(REPO_ROOT, "tenants", "dev.yaml"), "utf8")), tenantFromYaml("flow", FLOW_TENANT)];
  synthTenants(tenants, ws.outdir);
  [dev] = synthesizedActions(ws.outdir, "dev");
  [flowClaims, flowExtra] = ["add_metadata_claims", "plan_test_extra"].map((r) =>
    synthesizedActions(ws.outdir, "flow").find((a) => a.resourceName === r)!,
  );
});

/** Plans `tenant` against a state holding `resources` (and `outputs`), without refresh. */
async function planFromState(tenant: string, resources: StateResource[], outputs = {}): Promise<TenantPlanOutcome> {
  const stateDir = join(ws.root, `state-${++caseNumber}`);
  mkdirSync(stateDir);
  writeState(join(stateDir, `${tenant}.tfstate`), resources, outputs);
  const outcome = await planTenants({
    selection: [tenant],
    tenants,
    tenantsDir: ws.tenantsDir,
    outdir: ws.outdir,
    env: testEnv(),
    localStateDir: stateDir,
    refresh: false,
    changedSources: { known: true, base: "origin/main", files: ["actions/post-login/add-metadata-claims.ts"] },
  });
  expect(outcome.tenants).toHaveLength(1);
  expect(outcome.tenants[0].error).toBeUndefined();
  return outcome.tenants[0];
}

const deployed = (a: SynthesizedAction, id: string, overrides: Partial<Parameters<typeof actionResource>[1]> = {}) =>
  actionResource(a.resourceName, {
    id,
    name: a.name,
    code: a.code,
    secretNames: a.secretNames,
    secretsWoVersion: a.secretsWoVersion,
    ...overrides,
  });
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

test("a state that matches the configuration plans no change and exits 0", async () => {
  const t = await planFromState("dev", [deployed(dev, "act_claims"), bindingResource("post_login_binding_0", "act_claims", dev.name)], {
    action_code_sha256: { "post-login": { "add-metadata-claims": sha256(dev.code) } },
  });
  expect(t.exitCode).toBe(0);
  expect(t.review!.resources).toEqual([]);
  expect(t.review!.warnings).toEqual([]);
  expect(t.markdown).toContain("**No changes.** The tenant already matches this configuration.");
});

test("a changed handler shows as a unified diff of the deployed JavaScript", async () => {
  const lines = dev.code.split("\n");
  const middle = Math.floor(lines.length / 2);
  const previous = [...lines.slice(0, middle), "  // a line the previous release had", ...lines.slice(middle)].join("\n");
  const t = await planFromState(
    "dev",
    [deployed(dev, "act_claims", { code: previous }), bindingResource("post_login_binding_0", "act_claims", dev.name)],
    {
      action_code_sha256: { "post-login": { "add-metadata-claims": sha256(previous) } },
    },
  );
  expect(t.exitCode).toBe(2);
  expect(t.review!.counts).toEqual({ add: 0, change: 1, destroy: 0 });
  expect(t.review!.warnings).toEqual([]);
  const change = t.review!.codeChanges[0];
  expect(change).toMatchObject({ address: "auth0_action.add_metadata_claims", kind: "update", diff: { added: 0, removed: 1 } });
  expect(change.diff!.hunks).toHaveLength(1);
  expect(change.diff!.hunks[0].oldStart).toBe(middle - 2);
  expect(t.markdown).toContain("```diff\n--- deployed (sha256 ");
  expect(t.markdown).toContain(`\n-  // a line the previous release had\n`);
  expect(t.markdown).toContain(`\n ${lines[middle - 1]}\n`);
  expect(t.markdown).toContain("- `actions/post-login/add-metadata-claims.ts`");
});

test("removing a binding and deleting an Action raise warnings, with the runtime change and the code diff", async () => {
  const previous = dev.code.replace('"use strict";', '"use strict";\n// previous release');
  expect(previous).not.toBe(dev.code);
  const t = await planFromState("dev", [
    deployed(dev, "act_claims", { code: previous, runtime: "node18" }),
    actionResource("legacy_rule", { id: "act_legacy", name: "Legacy rule", code: "exports.onExecutePostLogin = async () => {};\n" }),
    bindingResource("post_login_binding_0", "act_claims", dev.name),
    bindingResource("post_login_binding_1", "act_legacy", "Legacy rule"),
  ]);
  expect(t.exitCode).toBe(2);
  expect(t.review!.counts).toEqual({ add: 0, change: 1, destroy: 2 });
  expect(t.review!.warnings.map((w) => [w.kind, w.address])).toEqual([
    ["runtime-changed", "auth0_action.add_metadata_claims"],
    ["action-deleted", "auth0_action.legacy_rule"],
    ["binding-removed", "auth0_trigger_action.post_login_binding_1"],
  ]);
  // The binding goes in the same apply, so Auth0 will not refuse the delete with a 409.
  expect(t.review!.warnings[1].message).not.toContain("409");
  expect(t.markdown).toContain("> [!CAUTION]");
  expect(normalizeReview(t.markdown)).toMatchSnapshot();
});

test("deleting an Action whose binding is not managed here warns that Auth0 may refuse it (409)", async () => {
  const t = await planFromState("dev", [
    deployed(dev, "act_claims"),
    bindingResource("post_login_binding_0", "act_claims", dev.name),
    actionResource("legacy_rule", { id: "act_legacy", name: "Legacy rule", code: "exports.onExecutePostLogin = async () => {};\n" }),
  ]);
  expect(t.review!.warnings.map((w) => w.kind)).toEqual(["action-deleted"]);
  expect(t.review!.warnings[0].message).toContain("HTTP 409");
});

test("an authoritative flow warns about bindings it removes that the tenant file never declared, and about re-ordering", async () => {
  const t = await planFromState("flow", [
    deployed(flowClaims, "act_claims"),
    deployed(flowExtra, "act_fraud"),
    flowResource("post_login_flow", [
      { id: "act_fraud", display_name: "Fraud check" },
      { id: "act_dashboard", display_name: "Risk score (dashboard)" },
      { id: "act_claims", display_name: flowClaims.name },
    ]),
  ]);
  expect(t.exitCode).toBe(2);
  expect(t.review!.counts).toEqual({ add: 0, change: 1, destroy: 0 });
  expect(t.review!.warnings.map((w) => w.kind)).toEqual(["flow-replaces-bindings", "undeclared-bindings-removed", "flow-reordered"]);
  expect(t.review!.warnings[1].message).toContain('Not declared in tenants/flow.yaml: "Risk score (dashboard)"');
  expect(t.review!.warnings[2].message).toContain(
    '"Fraud check" → "Add metadata to user profile" becomes "Add metadata to user profile" → "Fraud check"',
  );
  expect(normalizeReview(t.markdown)).toMatchSnapshot();
});
