/**
 * Faults that kill Terraform (the real process), not the tenant: SIGKILL during create (the Action
 * exists in the tenant, the state never heard of it), and while binding (the binding call failing
 * with 503s the provider keeps retrying); plus 429 and 503 bursts on the deploy call. After each,
 * verify names what is wrong with the command that fixes it, and `npm run deploy` converges:
 * no orphan, no undeployed draft, bound as declared, and a login runs the reviewed code.
 */
jest.mock("../../src/bundle/bundle-action", () => jest.requireActual("../support/deploy").bundleModuleWithVariant());

import { loadTenants } from "../../src/config/load-tenants";
import { deployTenant } from "../../src/deploy/run-deploy";
import { requestJson } from "../../src/local-run/client";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { synthTenants } from "../../src/synth/synth-tenants";
import { terraformApply, terraformInit } from "../../src/terraform/commands";
import { terraformEnv } from "../../src/terraform/terraform-env";
import { verifyTenants } from "../../src/verify/run-verify";
import { waitFor } from "../support/postgres";
import { makeWorkspace, setHandlerVariant, tenantEnv, VARIANT_CLAIM, writeTenantFile, type Workspace } from "../support/deploy";
import { tempDir } from "../support/temp-dir";
import { loginClaims } from "../support/local-tenant";

const API = { retries: 8, minBackoffMs: 50 };
let tenant: LocalTenant;
let ws: Workspace;
let pluginCache: string;

beforeAll(async () => {
  tenant = await startLocalTenant({ stateDir: tempDir("kill-faults-tenant"), port: 0, buildMs: 1500 });
  ws = makeWorkspace("kill");
  pluginCache = tempDir("kill-faults-plugin-cache");
  writeTenantFile(ws, "dev", tenant.domain, ["backend:", "  type: local", "  path: state/dev.tfstate"]);
});

afterAll(async () => {
  setHandlerVariant(undefined);
  await tenant?.close();
});

const env = () => tenantEnv(tenant, pluginCache);
const opts = () => ({ tenantsDir: ws.tenantsDir, outdir: ws.outdir, env: env(), api: API });

/** Plain `terraform apply` of the current synthesis, SIGKILLed once `when` holds for the requests it made. */
async function applyKilledWhen(when: (requests: LocalTenant["requests"]) => boolean): Promise<void> {
  const [stack] = synthTenants(loadTenants(ws.tenantsDir), ws.outdir);
  const tfEnv = terraformEnv({}, env());
  await terraformInit(stack.dir, tfEnv);
  const before = tenant.requests.length;
  let pid = 0;
  const applied = terraformApply(stack.dir, tfEnv, { onSpawn: (p) => (pid = p) }).then(
    () => "finished",
    (error: Error) => error.message,
  );
  await waitFor("the moment to kill Terraform", () => when(tenant.requests.slice(before)));
  process.kill(pid, "SIGKILL");
  expect(await applied).not.toBe("finished");
}

test("killed during create: verify names the orphan and the missing state; deploy leaves one Action, deployed and bound", async () => {
  setHandlerVariant("created");
  await applyKilledWhen((requests) =>
    requests.some((r) => r.method === "POST" && r.path === "/api/v2/actions/actions" && r.status === 201),
  );
  const [orphan] = tenant.model.listActions();
  expect(orphan).toBeDefined();

  const verify = await verifyTenants({ ...opts(), selection: ["dev"] });
  expect(verify.exitCode).toBe(2);
  const findings = verify.tenants[0].result!.findings;
  expect(findings.map((f) => f.kind).sort()).toEqual(["not-in-state", "orphan"]);
  const named = findings.find((f) => f.kind === "orphan")!;
  expect(named.actionId).toBe(orphan.id);
  expect(named.fix).toContain(`import 'auth0_action.add_metadata_claims' ${orphan.id}`);

  const deployed = await deployTenant({ ...opts(), tenant: "dev" });
  expect(deployed.error).toBeUndefined();
  expect(deployed.exitCode).toBe(0);
  expect(deployed.repairs).toEqual([expect.stringContaining(`deleted orphan Action ${orphan.id}`)]);
  const actions = tenant.model.listActions();
  expect(actions.map((a) => a.id)).not.toContain(orphan.id);
  expect(actions).toHaveLength(1);
  expect(tenant.model.getBindings("post-login").map((b) => b.action_id)).toEqual([actions[0].id]);
  expect(await loginClaims(tenant)).toMatchObject({ [VARIANT_CLAIM]: "created" });
});

test("killed while binding: deploy binds it again, verify exits 0", async () => {
  // Unbind by hand, then re-apply while the binding call fails: the provider keeps retrying until killed.
  await requestJson(`${tenant.url}/api/v2/actions/triggers/post-login/bindings`, {
    method: "PATCH",
    body: { bindings: [] },
    token: tenant.token,
    ca: tenant.caPem,
  });
  tenant.faults.add({ method: "PATCH", path: "/triggers/post-login/bindings$", status: 503, times: 50 });
  await applyKilledWhen((requests) => requests.some((r) => r.method === "PATCH" && r.path.endsWith("/bindings") && r.status === 503));
  tenant.faults.clear();
  expect(tenant.model.getBindings("post-login")).toEqual([]);
  expect((await verifyTenants({ ...opts(), selection: ["dev"] })).tenants[0].result!.findings.map((f) => f.kind)).toEqual(["unbound"]);

  const deployed = await deployTenant({ ...opts(), tenant: "dev" });
  expect(deployed.exitCode).toBe(0);
  expect(tenant.model.getBindings("post-login")).toHaveLength(1);
  expect((await verifyTenants({ ...opts(), selection: ["dev"] })).exitCode).toBe(0);
});

test("429 and 503 bursts on the deploy call: deploy waits out the rate limit, retries, and converges", async () => {
  setHandlerVariant("burst");
  tenant.faults.add(
    { method: "POST", path: "/deploy$", status: 429, times: 2, resetAfterSeconds: 1 },
    { method: "POST", path: "/deploy$", status: 503, times: 8 },
  );
  const deployed = await deployTenant({ ...opts(), tenant: "dev" });
  expect(deployed.error).toBeUndefined();
  expect(deployed.exitCode).toBe(0);
  expect(tenant.faults.pending()).toBe(0);
  expect(tenant.faults.served.filter((s) => s.startsWith("429 POST"))).toHaveLength(2);
  expect(tenant.model.listActions()).toHaveLength(1);
  expect(await loginClaims(tenant)).toMatchObject({ [VARIANT_CLAIM]: "burst" });
});
