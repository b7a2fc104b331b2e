/**
 * The reproduction of "an update interrupted between saving and deploying", with the real
 * Terraform and provider against two local tenants (dev, and staging promoted from dev):
 * a changed handler applied while the tenant answers 503 to every deploy call saves the draft but
 * never deploys it. Then verify exits 2 naming the undeployed draft, drift and the plan review exit 2
 * saying "saved but not deployed" (Terraform itself sees no change), promotion is refused,
 * `npm run deploy` repairs it (the remaining 503s retried), verify exits 0, a login runs the new
 * code, and promotion passes.
 */
jest.mock("../../src/bundle/bundle-action", () => jest.requireActual("../support/deploy").bundleModuleWithVariant());

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadTenants } from "../../src/config/load-tenants";
import { deployTenant } from "../../src/deploy/run-deploy";
import { driftTenants } from "../../src/drift/run-drift";
import { planTenants } from "../../src/plan/run-plan";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { promote } from "../../src/promote/promote";
import { synthTenants } from "../../src/synth/synth-tenants";
import { terraformApply, terraformInit } from "../../src/terraform/commands";
import { terraformEnv } from "../../src/terraform/terraform-env";
import { verifyTenants } from "../../src/verify/run-verify";
import { makeWorkspace, setHandlerVariant, tenantEnv, VARIANT_CLAIM, writeTenantFile, type Workspace } from "../support/deploy";
import { tempDir } from "../support/temp-dir";
import { loginClaims } from "../support/local-tenant";

const API = { retries: 8, minBackoffMs: 50 };
let dev: LocalTenant;
let staging: LocalTenant;
let ws: Workspace;
let pluginCache: string;

beforeAll(async () => {
  dev = await startLocalTenant({ stateDir: tempDir("deploy-dev-tenant"), port: 0 });
  staging = await startLocalTenant({ stateDir: tempDir("deploy-staging-tenant"), port: 0 });
  ws = makeWorkspace("verify");
  pluginCache = tempDir("deploy-plugin-cache");
  writeTenantFile(ws, "dev", dev.domain, ["backend:", "  type: local", "  path: state/dev.tfstate"]);
  writeTenantFile(ws, "staging", staging.domain, ["promotes_from: dev", "backend:", "  type: local", "  path: state/staging.tfstate"]);
});

afterAll(async () => {
  setHandlerVariant(undefined);
  await dev?.close();
  await staging?.close();
});

const common = () => ({ tenantsDir: ws.tenantsDir, outdir: ws.outdir, api: API });
const devEnv = () => tenantEnv(dev, pluginCache);
const verifyDev = () => verifyTenants({ ...common(), selection: ["dev"], env: devEnv() });
const promoteEnv = () => ({
  ...tenantEnv(staging, pluginCache),
  FROM_AUTH0_CLIENT_ID: dev.clientId,
  FROM_AUTH0_CLIENT_SECRET: dev.clientSecret,
  FROM_SSL_CERT_FILE: dev.caBundleFile,
});

test("an interrupted update: verify names the undeployed draft, promotion is refused, deploy repairs it", async () => {
  setHandlerVariant("v1");
  const first = await deployTenant({ ...common(), tenant: "dev", env: devEnv() });
  expect(first.error).toBeUndefined();
  expect(first.exitCode).toBe(0);
  expect((await verifyDev()).exitCode).toBe(0);
  expect(await loginClaims(dev)).toMatchObject({ [VARIANT_CLAIM]: "v1" });

  // The handler changes; plain Terraform applies it while every deploy call answers 503.
  setHandlerVariant("v2");
  const [stack] = synthTenants(loadTenants(ws.tenantsDir), ws.outdir).filter((s) => s.tenant.name === "dev");
  dev.faults.add({ method: "POST", path: "/deploy$", status: 503, times: 6 });
  const env = terraformEnv({}, devEnv());
  await terraformInit(stack.dir, env);
  await expect(terraformApply(stack.dir, env)).rejects.toThrow(/503/);
  const [action] = dev.model.listActions();
  expect(dev.model.allChangesDeployed(action)).toBe(false);
  expect(await loginClaims(dev)).toMatchObject({ [VARIANT_CLAIM]: "v1" });

  const verify = await verifyDev();
  expect(verify.exitCode).toBe(2);
  const findings = verify.tenants[0].result!.findings;
  expect(findings.map((f) => [f.kind, f.address])).toEqual([
    ["code-differs", "auth0_action.add_metadata_claims"],
    ["undeployed-draft", "auth0_action.add_metadata_claims"],
  ]);
  expect(verify.tenants[0].markdown).toContain("saved but not deployed");
  expect(verify.tenants[0].markdown).toContain("the reviewed code; logins still run the deployed version");
  expect(readFileSync(join(ws.outdir, "verify", "dev.md"), "utf8")).toBe(verify.tenants[0].markdown);

  // Terraform alone sees nothing (the provider reads the draft); drift and the plan review say it.
  const drift = await driftTenants({ ...common(), selection: ["dev"], env: devEnv() });
  expect(drift.tenants[0].report?.drifted).toEqual([]);
  expect(drift.exitCode).toBe(2);
  expect(drift.tenants[0].markdown).toContain("**saved but not deployed** `auth0_action.add_metadata_claims`");
  expect(drift.tenants[0].markdown).toContain("Fix: `npm run deploy -- dev`");
  const plan = await planTenants({
    ...common(),
    selection: ["dev"],
    env: devEnv(),
    changedSources: { known: false, reason: "not a git checkout" },
  });
  expect(plan.tenants[0].review?.counts).toEqual({ add: 0, change: 0, destroy: 0 });
  expect(plan.exitCode).toBe(2);
  expect(plan.tenants[0].markdown).toContain("**saved but not deployed** `auth0_action.add_metadata_claims`");

  const refused = await promote({ ...common(), from: "dev", to: "staging", env: promoteEnv() });
  expect(refused.exitCode).toBe(1);
  expect(refused.message).toContain("refusing to promote dev → staging");
  expect(refused.message).toContain("saved but not deployed");
  expect(staging.model.listActions()).toEqual([]);

  // npm run deploy: apply has nothing to change, verify finds the draft, deploy deploys it
  // through the two 503s still pending.
  const repaired = await deployTenant({ ...common(), tenant: "dev", env: devEnv() });
  expect(repaired.error).toBeUndefined();
  expect(repaired.exitCode).toBe(0);
  expect(repaired.repairs).toEqual([expect.stringContaining("deployed the saved draft of `auth0_action.add_metadata_claims`")]);
  expect(dev.faults.pending()).toBe(0);
  expect((await verifyDev()).exitCode).toBe(0);
  expect(await loginClaims(dev)).toMatchObject({ [VARIANT_CLAIM]: "v2" });

  const promoted = await promote({ ...common(), from: "dev", to: "staging", env: promoteEnv() });
  expect(promoted.message).toMatch(/^promoted dev → staging: auth0_action.add_metadata_claims [0-9a-f]{12}$/);
  expect(promoted.exitCode).toBe(0);
  expect(await loginClaims(staging)).toMatchObject({ [VARIANT_CLAIM]: "v2" });
});
