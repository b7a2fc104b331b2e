/**
 * Drift with the real provider: a refresh-only plan reads each recorded resource from the
 * Management API (here a small HTTPS fake on localhost) and the report lists what was changed
 * outside this repository. Exit codes: 0 no drift, 2 drift.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Tenant } from "../../src/config/load-tenants";
import { tenantSchema } from "../../src/config/tenant-schema";
import { driftTenants } from "../../src/drift/run-drift";
import { synthTenants } from "../../src/synth/synth-tenants";
import { startFakeManagementApi, type FakeManagementApi, type FakeTenantData } from "../support/plan/fake-management-api";
import { synthesizedActions, type SynthesizedAction } from "../support/plan/stack";
import { actionResource, bindingResource, writeState } from "../support/plan/state";
import { makeWorkspace, testEnv, removeWorkspaces, type Workspace } from "../support/plan/workspace";
import { tempDir } from "../support/temp-dir";

afterAll(removeWorkspaces);

let ws: Workspace;
let api: FakeManagementApi;
let tenant: Tenant;
let claims: SynthesizedAction;
const live: FakeTenantData = { actions: {}, bindings: [] };
let run = 0;

// A provider stuck on the fake (e.g. paging forever) must fail here, not hang the suite.
jest.setTimeout(60_000);

beforeAll(async () => {
  ws = makeWorkspace({});
  api = await startFakeManagementApi(ws.root, live);
  const file = { domain: api.domain, claims: { namespace: "", id_token: ["usertype", "coops"] }, post_login_flow: "append" };
  tenant = { ...tenantSchema.parse(file), name: "drifting", file: "tenants/drifting.yaml" };
  synthTenants([tenant], ws.outdir);
  [claims] = synthesizedActions(ws.outdir, "drifting");
});

afterAll(() => api.close());

/** What Auth0 returns for the claims Action, as deployed by this repository unless `changes` say otherwise. */
function liveAction(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: claims.name,
    code: claims.code,
    runtime: "node22",
    supported_triggers: [{ id: "post-login", version: "v3" }],
    dependencies: [],
    secrets: claims.secretNames.map((name) => ({ name })),
    status: "built",
    deployed_version: { id: "ver_act_1", deployed: true, number: 1 },
    ...changes,
  };
}

async function drift() {
  const stateDir = join(ws.root, `state-${++run}`);
  mkdirSync(stateDir);
  writeState(join(stateDir, "drifting.tfstate"), [
    actionResource(claims.resourceName, {
      id: "act_1",
      name: claims.name,
      code: claims.code,
      secretNames: claims.secretNames,
      secretsWoVersion: claims.secretsWoVersion,
    }),
    bindingResource("post_login_binding_0", "act_1", claims.name),
  ]);
  const outcome = await driftTenants({
    selection: ["drifting"],
    tenants: [tenant],
    tenantsDir: ws.tenantsDir,
    outdir: ws.outdir,
    localStateDir: stateDir,
    env: testEnv({ AUTH0_API_TOKEN: "drift-test-token", SSL_CERT_FILE: api.caFile }),
  });
  expect(outcome.tenants[0].error).toBeUndefined();
  return outcome;
}

test("no drift when Auth0 has what the state records: exit 0", async () => {
  live.actions = { act_1: liveAction() };
  live.bindings = [{ actionId: "act_1", displayName: claims.name }];
  const outcome = await drift();
  expect(outcome.exitCode).toBe(0);
  expect(outcome.tenants[0].markdown).toContain("**No drift.** The 2 resources recorded for `tenants/drifting.yaml` match Auth0.");
  expect(api.requests).toEqual(
    expect.arrayContaining(["GET /api/v2/actions/actions/act_1", "GET /api/v2/actions/triggers/post-login/bindings"]),
  );
});

test("code edited and runtime changed in the dashboard, binding removed: exit 2, each listed", async () => {
  live.actions = { act_1: liveAction({ code: `${claims.code}// edited in the dashboard\n`, runtime: "node18-actions" }) };
  live.bindings = [];
  const outcome = await drift();
  expect(outcome.exitCode).toBe(2);
  const report = outcome.tenants[0].report!;
  expect(report.drifted.map((d) => [d.address, d.kind])).toEqual([
    ["auth0_action.add_metadata_claims", "update"],
    ["auth0_trigger_action.post_login_binding_0", "delete"],
  ]);
  expect(report.drifted[0].attributes.map((a) => a.name)).toEqual(["code", "runtime"]);
  const markdown = outcome.tenants[0].markdown;
  expect(markdown).toContain("**2 resources changed outside this repository.**");
  expect(markdown).toContain('  - runtime: recorded `"node22"`, now `"node18"`');
  expect(markdown).toContain('post-login binding of "Add metadata to user profile", deleted outside this repository');
  expect(markdown).toContain("### Action code edited outside this repository");
  expect(markdown).toMatch(
    /--- recorded \(sha256 [0-9a-f]{12}\)\n\+\+\+ in Auth0 now \(sha256 [0-9a-f]{12}\)\n@@ .* @@\n(.*\n){3}\+\/\/ edited in the dashboard\n```/,
  );
});

test("a failed check still writes its report, saying why: exit 1", async () => {
  const stateDir = join(ws.root, `state-${++run}`);
  mkdirSync(stateDir);
  const outcome = await driftTenants({
    selection: ["drifting"],
    tenants: [tenant],
    tenantsDir: ws.tenantsDir,
    outdir: ws.outdir,
    localStateDir: stateDir,
    // No terraform on PATH: the step fails before any plan.
    env: { ...testEnv({ AUTH0_API_TOKEN: "drift-test-token" }), PATH: tempDir("no-terraform") },
  });
  expect(outcome.exitCode).toBe(1);
  const report = readFileSync(join(ws.outdir, "drift", "drifting.md"), "utf8");
  expect(report).toContain("## Drift check for tenant `drifting`");
  expect(report).toMatch(/\*\*The drift check failed:\*\* cannot run terraform/);
  expect(outcome.tenants[0].markdown).toBe(report);
});
