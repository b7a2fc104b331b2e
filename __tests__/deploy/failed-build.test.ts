/**
 * An Action whose dependency does not exist (crypto@17.7.1: the npm registry has no such version, and
 * the provider's own acceptance test expects it to fail a build), with the real Terraform and provider
 * against the local tenant, which checks dependencies against the npm registry as Auth0's build does:
 * deploy exits non-zero naming the failed build and the build log's reason; verify exits 2 and names
 * them; the plan review, which reads the tenant's build status through the Management API, names them too.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { deployTenant } from "../../src/deploy/run-deploy";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { planTenants } from "../../src/plan/run-plan";
import { verifyTenants } from "../../src/verify/run-verify";
import { makeWorkspace, tenantEnv, type Workspace } from "../support/deploy";
import { tempDir } from "../support/temp-dir";

const API = { retries: 8, minBackoffMs: 50 };
const REASON = "No matching version found for crypto@17.7.1";
let tenant: LocalTenant;
let ws: Workspace;
let pluginCache: string;

beforeAll(async () => {
  tenant = await startLocalTenant({ stateDir: tempDir("failed-build-tenant"), port: 0, buildRetryMs: 200 });
  ws = makeWorkspace("failed-build");
  pluginCache = tempDir("failed-build-plugin-cache");
  writeFileSync(
    join(ws.tenantsDir, "dev.yaml"),
    [
      `domain: ${tenant.domain}`,
      "claims:",
      '  namespace: ""',
      "  id_token: [usertype, coops, coopnames]",
      "flows:",
      "  post-login:",
      "    mode: append",
      "    actions:",
      "      - handler: add-metadata-claims",
      "        dependencies:",
      '          crypto: "17.7.1"',
      "backend:",
      "  type: local",
      "  path: state/dev.tfstate",
      "",
    ].join("\n"),
  );
});

afterAll(async () => {
  await tenant?.close();
});

const opts = () => ({ tenantsDir: ws.tenantsDir, outdir: ws.outdir, env: tenantEnv(tenant, pluginCache), api: API });

test("deploy, verify and the plan review name the failed build and the build log's reason", async () => {
  const deployed = await deployTenant({ ...opts(), tenant: "dev" });
  expect(deployed.exitCode).not.toBe(0);
  expect(deployed.error).toContain("auth0_action.add_metadata_claims");
  expect(deployed.error).toContain(`the build of the latest draft failed: npm error notarget ${REASON}`);
  expect(deployed.markdown).toContain(REASON);

  const verified = await verifyTenants({ ...opts(), selection: ["dev"] });
  expect(verified.exitCode).toBe(2);
  const build = verified.tenants[0].result!.findings.filter((f) => f.kind === "build");
  expect(build).toHaveLength(1);
  expect(build[0].message).toContain(REASON);
  expect(verified.tenants[0].markdown).toMatch(/\| failed \|/);
  expect(verified.tenants[0].markdown).toContain(`**build** \`auth0_action.add_metadata_claims\``);

  const planned = await planTenants({ ...opts(), selection: ["dev"], changedSources: { known: true, base: "main", files: [] } });
  expect(planned.tenants[0].error).toBeUndefined();
  expect(planned.exitCode).toBe(2);
  expect(planned.tenants[0].markdown).toContain("builds failed or pending");
  expect(planned.tenants[0].markdown).toContain(REASON);
}, 300_000);
