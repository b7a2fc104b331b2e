/**
 * The main job (`npm start`) in a temporary repository layout, and its guard for authoritative
 * flows: bindings made outside Terraform are named and kept unless the user confirms.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requestJson } from "../../src/local-run/client";
import type { ForeignBinding } from "../../src/local-run/foreign-bindings";
import { deployAndLogin, ForeignBindingsError } from "../../src/local-run/main-job";
import { TenantModel } from "../../src/local-tenant/model";
import type { TenantState } from "../../src/local-tenant/state-file";
import { startLocalTenant } from "../../src/local-tenant/server";
import { JsonStore } from "../../src/local-tenant/store";
import { freePort, pluginCacheEnv, tempDir } from "../support/local-tenant";

const MARKETPLACE = "Marketplace integration";

let port: number;
let root: string;
let stateDir: string;
let tenantsDir: string;

beforeAll(async () => {
  port = await freePort();
  root = tempDir("main-job");
  stateDir = join(root, ".local", "tenant");
  tenantsDir = join(root, "tenants");
  mkdirSync(tenantsDir, { recursive: true });
  writeFileSync(
    join(tenantsDir, "local.yaml"),
    [
      `domain: localhost:${port}`,
      "claims:",
      '  namespace: ""',
      "  id_token: [usertype, coops, coopnames]",
      "post_login_flow: authoritative",
      "backend:",
      "  type: local",
      "  path: state/local.tfstate",
    ].join("\n"),
  );

  // Someone binds an Action in the dashboard before the first deploy.
  const tenant = await startLocalTenant({ stateDir, port });
  try {
    const created = await requestJson<{ id: string }>(`${tenant.url}/api/v2/actions/actions`, {
      method: "POST",
      token: tenant.token,
      ca: tenant.caPem,
      body: {
        name: MARKETPLACE,
        supported_triggers: [{ id: "post-login", version: "v3" }],
        code: "exports.onExecutePostLogin = async () => {};",
      },
    });
    await requestJson(`${tenant.url}/api/v2/actions/actions/${created.body.id}/deploy`, {
      method: "POST",
      token: tenant.token,
      ca: tenant.caPem,
    });
    const bound = await requestJson(`${tenant.url}/api/v2/actions/triggers/post-login/bindings`, {
      method: "PATCH",
      token: tenant.token,
      ca: tenant.caPem,
      body: { bindings: [{ ref: { type: "action_id", value: created.body.id }, display_name: MARKETPLACE }] },
    });
    expect(bound.status).toBe(200);
  } finally {
    await tenant.close();
  }
});

function storedTenant(): TenantModel {
  return new TenantModel(new JsonStore<TenantState>(join(stateDir, "tenant.json")).load());
}

const options = () => ({ tenantsDir, outdir: join(root, "cdktf.out"), stateDir, terraformEnv: pluginCacheEnv() });

it("names a binding made outside Terraform and changes nothing when the user does not confirm", async () => {
  let asked: ForeignBinding[] = [];
  const run = deployAndLogin({
    ...options(),
    confirmRemoval: async (foreign) => {
      asked = foreign;
      return false;
    },
  });
  await expect(run).rejects.toBeInstanceOf(ForeignBindingsError);
  await expect(run).rejects.toThrow(/Marketplace integration/);
  expect(asked.map((f) => f.display_name)).toEqual([MARKETPLACE]);

  const model = storedTenant();
  expect(model.listActions().map((a) => a.name)).toEqual([MARKETPLACE]);
  expect(model.getBindings("post-login").map((b) => b.display_name)).toEqual([MARKETPLACE]);
});

it("deploys, logs the seed user in and returns the verified claims once the user confirms; the other Action is unbound, not deleted", async () => {
  const progress: string[] = [];
  const { claims } = await deployAndLogin({ ...options(), confirmRemoval: async () => true, progress: (line) => progress.push(line) });
  expect(claims).toMatchObject({
    "/usertype": "member",
    "/coops": ["coop-north", "coop-south"],
    "/coopnames": ["Coop North", "Coop South"],
    iss: `https://localhost:${port}/`,
  });
  expect(progress.join("\n")).toContain(`found 1 binding(s) made outside Terraform:\n  - "${MARKETPLACE}"`);

  const model = storedTenant();
  expect(model.getBindings("post-login").map((b) => b.display_name)).toEqual(["Add metadata to user profile"]);
  expect(model.listActions().map((a) => a.name)).toEqual([MARKETPLACE, "Add metadata to user profile"]);

  // The next run finds nothing foreign (the claims Action is managed) and asks nothing.
  let askedAgain = false;
  await deployAndLogin({
    ...options(),
    confirmRemoval: async () => {
      askedAgain = true;
      return false;
    },
  });
  expect(askedAgain).toBe(false);
});
