/**
 * The pg backend, exercised with a real PostgreSQL (a throwaway cluster on loopback) and the real
 * Terraform against a local tenant whose builds are slow, so an apply holds the state lock for a while:
 *   - two deploys of one tenant at once (two runners: separate checkouts, one state): the second
 *     stops with the lock message and the exact force-unlock step; the first converges; the state
 *     stays consistent (a rerun changes nothing, one Action);
 *   - a deploy whose Terraform is frozen mid-apply (a lost runner) keeps the lock: the next deploy
 *     names it; once that Terraform is killed, PostgreSQL drops its advisory lock and
 *     `npm run deploy` converges: the saved draft deployed, no orphan, the new code runs.
 */
jest.mock("../../src/bundle/bundle-action", () => jest.requireActual("../support/deploy").bundleModuleWithVariant());

import { join } from "node:path";
import { loadTenants } from "../../src/config/load-tenants";
import { deployTenant } from "../../src/deploy/run-deploy";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { synthTenants } from "../../src/synth/synth-tenants";
import { terraformApply, terraformInit } from "../../src/terraform/commands";
import { terraformEnv } from "../../src/terraform/terraform-env";
import { freePort, startPostgres, waitFor, type Postgres } from "../support/postgres";
import { makeWorkspace, setHandlerVariant, tenantEnv, VARIANT_CLAIM, writeTenantFile, type Workspace } from "../support/deploy";
import { tempDir } from "../support/temp-dir";
import { loginClaims } from "../support/local-tenant";

const API = { retries: 8, minBackoffMs: 50 };
let pg: Postgres;
let tenant: LocalTenant;
let ws: Workspace;
let pluginCache: string;

const env = () => ({ ...tenantEnv(tenant, pluginCache), PG_CONN_STR: pg.connStr });
/** A runner: its own checkout output (cdktf.out), the shared tenant and state. */
const deploy = (runner: string, extra: Partial<Parameters<typeof deployTenant>[0]> = {}) =>
  deployTenant({ tenant: "dev", tenantsDir: ws.tenantsDir, outdir: join(ws.root, runner, "cdktf.out"), env: env(), api: API, ...extra });

beforeAll(async () => {
  pg = startPostgres(await freePort());
  tenant = await startLocalTenant({ stateDir: tempDir("pg-lock-tenant"), port: 0, buildMs: 3000 });
  ws = makeWorkspace("pg");
  pluginCache = tempDir("pg-lock-plugin-cache");
  writeTenantFile(ws, "dev", tenant.domain, ["backend:", "  type: pg", "  schema_name: auth0_dev"]);
});

afterAll(async () => {
  setHandlerVariant(undefined);
  await tenant?.close();
  pg?.stop();
});

test("two deploys of one tenant at once: the second reports the lock and the unlock step, the first converges, the state stays consistent", async () => {
  setHandlerVariant("one");
  const first = deploy("runner-a", { lockTimeout: "0s" });
  // The first apply holds the lock once it creates the Action (then waits 3 s for the build).
  await waitFor("the first apply to create the Action", () =>
    tenant.requests.some((r) => r.method === "POST" && r.path === "/api/v2/actions/actions"),
  );
  const second = await deploy("runner-b", { lockTimeout: "0s" });
  expect(second.exitCode).toBe(1);
  expect(second.error).toContain("the tenant's state is locked by another plan or apply");
  expect(second.error).toMatch(/release the lock with: terraform -chdir=\S+ force-unlock -force \S+/);

  const done = await first;
  expect(done.error).toBeUndefined();
  expect(done.exitCode).toBe(0);
  const again = await deploy("runner-b", { lockTimeout: "0s" });
  expect(again.exitCode).toBe(0);
  expect(again.repairs).toEqual([]);
  expect(tenant.model.listActions()).toHaveLength(1);
});

test("a frozen apply keeps the lock and is named; killed, its lock goes with it and deploy converges", async () => {
  setHandlerVariant("two");
  const [stack] = synthTenants(loadTenants(ws.tenantsDir), join(ws.root, "runner-c", "cdktf.out"));
  const tfEnv = terraformEnv({}, env());
  await terraformInit(stack.dir, tfEnv);
  const before = tenant.requests.length;
  let pid = 0;
  const killed = terraformApply(stack.dir, tfEnv, { onSpawn: (p) => (pid = p), lockTimeout: "0s" }).then(
    () => "finished",
    (error: Error) => error.message,
  );
  // Draft saved (PATCH answered), build pending: freeze Terraform there, as a lost runner would.
  await waitFor("the update to be saved", () =>
    tenant.requests.slice(before).some((r) => r.method === "PATCH" && r.path.startsWith("/api/v2/actions/actions/")),
  );
  process.kill(pid, "SIGSTOP");
  const blocked = await deploy("runner-b", { lockTimeout: "0s" });
  expect(blocked.exitCode).toBe(1);
  expect(blocked.error).toMatch(/force-unlock -force \S+/);

  process.kill(pid, "SIGKILL");
  expect(await killed).not.toBe("finished");
  const [action] = tenant.model.listActions();
  expect(tenant.model.allChangesDeployed(action)).toBe(false);

  const repaired = await deploy("runner-b", { lockTimeout: "0s" });
  expect(repaired.error).toBeUndefined();
  expect(repaired.exitCode).toBe(0);
  expect(tenant.model.listActions()).toHaveLength(1);
  expect(tenant.model.allChangesDeployed(tenant.model.listActions()[0])).toBe(true);
  expect(await loginClaims(tenant)).toMatchObject({ [VARIANT_CLAIM]: "two" });
});
