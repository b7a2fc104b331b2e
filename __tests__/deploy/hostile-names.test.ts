/**
 * A tenant whose Action names are Terraform templates (what anyone who can rename an Action in an
 * adopted tenant could write): the real commands plan and deploy them as plain text. No file of the
 * runner and no variable of its environment reaches the review, the logs or the tenant; the Actions
 * carry the names byte for byte, and a login still gets the claims.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { deployTenant } from "../../src/deploy/run-deploy";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { planTenants } from "../../src/plan/run-plan";
import { verifyTenants } from "../../src/verify/run-verify";
import { makeWorkspace, tenantEnv, type Workspace } from "../support/deploy";
import { tempDir } from "../support/temp-dir";
import { loginClaims } from "../support/local-tenant";

const API = { retries: 8, minBackoffMs: 50 };
let tenant: LocalTenant;
let ws: Workspace;
let env: NodeJS.ProcessEnv;
let canaryFile: string;
const fileCanary = `file-canary-${randomBytes(8).toString("hex")}`;
const envCanary = `env-canary-${randomBytes(8).toString("hex")}`;
let names: { claims: string; display: string };

beforeAll(async () => {
  tenant = await startLocalTenant({ stateDir: tempDir("hostile-names-tenant"), port: 0 });
  ws = makeWorkspace("hostile-names");
  canaryFile = join(tempDir("hostile-names-canary"), "canary.txt");
  writeFileSync(canaryFile, fileCanary);
  names = {
    // Interpolation and a template directive: Terraform would read the file and the process environment.
    claims: `\${file("${canaryFile}")}`,
    display: `%{ for line in [file("/proc/self/environ")] }\${line}%{ endfor }`,
  };
  writeFileSync(
    join(ws.tenantsDir, "dev.yaml"),
    [
      `domain: ${tenant.domain}`,
      "claims:",
      '  namespace: ""',
      "  id_token: [usertype, coops, coopnames]",
      "flows:",
      "  post-login:",
      "    actions:",
      "      - handler: add-metadata-claims",
      `        name: ${JSON.stringify(names.claims)}`,
      `        display_name: ${JSON.stringify(names.display)}`,
      "backend:",
      "  type: local",
      "  path: state/dev.tfstate",
      "",
    ].join("\n"),
  );
  env = { ...tenantEnv(tenant, tempDir("hostile-names-plugins")), HOSTILE_NAMES_CANARY: envCanary };
});

afterAll(async () => {
  await tenant?.close();
});

const opts = () => ({ tenantsDir: ws.tenantsDir, outdir: ws.outdir, env, api: API });

/** Every file the commands wrote (reviews, reports, synthesized JSON, state), as one text. */
function everythingWritten(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(path).isFile())
    .map((path) => readFileSync(path, "utf8"))
    .join("\n");
}

test("plan reviews the names as text and reads neither the file nor the environment", async () => {
  const logs: string[] = [];
  const plan = await planTenants({
    ...opts(),
    selection: ["dev"],
    changedSources: { known: true, base: "main", files: [] },
    log: (l) => logs.push(l),
  });
  expect(plan.error).toBeUndefined();
  expect(plan.exitCode).toBe(2);
  const review = plan.tenants[0].markdown;
  expect(review).toContain(names.claims);
  for (const text of [review, logs.join("\n"), everythingWritten(ws.root)]) {
    expect(text).not.toContain(fileCanary);
    expect(text).not.toContain(envCanary);
  }
});

test("deploy creates the Action and binding under the literal names; verify finds them; a login gets the claims", async () => {
  const logs: string[] = [];
  const deployed = await deployTenant({ ...opts(), tenant: "dev", log: (l) => logs.push(l) });
  expect(deployed.error).toBeUndefined();
  expect(deployed.exitCode).toBe(0);
  expect(tenant.model.listActions().map((a) => a.name)).toEqual([names.claims]);
  expect(tenant.model.getBindings("post-login").map((b) => b.display_name)).toEqual([names.display]);
  expect((await verifyTenants({ ...opts(), selection: ["dev"] })).exitCode).toBe(0);

  const claims = await loginClaims(tenant);
  expect(claims["/usertype"]).toBe("member");

  const tenantHolds = JSON.stringify({ actions: tenant.model.listActions(), bindings: tenant.model.getBindings("post-login") });
  for (const text of [deployed.markdown, logs.join("\n"), everythingWritten(ws.root), tenantHolds]) {
    expect(text).not.toContain(fileCanary);
    expect(text).not.toContain(envCanary);
  }
});
