/**
 * Action Modules end to end, with the real Terraform and auth0/auth0 provider against the local
 * tenant: a tenant file declares the module "greeting" and a post-login Action that requires it;
 * apply creates and publishes the module, pins the Action to the published version, and a login
 * runs the module's code in the Action's sandbox. Changing the module publishes version 2 and
 * re-pins the Action (the plan review shows the module's diff and the pinned Action); deleting the
 * module while an Action uses it answers 409; destroy deletes the Action before the module.
 * The tests run in order and share one tenant and one stack.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Tenant } from "../../src/config/load-tenants";
import { tenantSchema } from "../../src/config/tenant-schema";
import { buildDriftReport } from "../../src/drift/drift-report";
import { requestJson, verifyIdToken } from "../../src/local-run/client";
import { connectManagementApi } from "../../src/management-api/client";
import { artifactModuleHashes, moduleGateReasons, readUpstreamModules } from "../../src/promote/module-gate";
import { LOCAL_APP } from "../../src/local-tenant/login";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import type { PlanJson } from "../../src/terraform/plan-json";
import { renderReviewMarkdown } from "../../src/plan/render-markdown";
import { buildReview } from "../../src/plan/review";
import { synthTenants } from "../../src/synth/synth-tenants";
import { unescapeTerraformTemplate } from "../../src/terraform/template-escape";
import { compareTenant, type Finding } from "../../src/verify/compare";
import { readDeclaredStack } from "../../src/terraform/declared-stack";
import { readTenantTruth } from "../../src/verify/run-verify";
import { runnerFor, tempDir } from "../support/local-tenant";

const HANDLERS = join(__dirname, "handlers");
const GREETING_CLAIM = "https://claims.example.com/greeting";

let tenant: LocalTenant;
let stackDir: string;
let terraform: ReturnType<typeof runnerFor>;
/** The stack as synthesized, before any test edited it. */
let synthesized: string;

function tenantFile(domain: string): Tenant {
  const text = `
domain: ${domain}
claims: { namespace: "", id_token: [usertype] }
modules:
  greeting: {}
flows:
  post-login:
    mode: authoritative
    actions:
      - { handler: add-metadata-claims }
      - { handler: greet-with-module, name: Greet with module }
backend: { type: local, path: state/modules.tfstate }
`;
  return { ...tenantSchema.parse(parse(text)), name: "modules", file: "modules.yaml" };
}

beforeAll(async () => {
  tenant = await startLocalTenant({ stateDir: tempDir("modules-tenant"), port: 0 });
  const [stack] = synthTenants([tenantFile(tenant.domain)], join(tempDir("modules-stack"), "cdktf.out"), { handlersRoot: HANDLERS });
  stackDir = stack.dir;
  synthesized = readFileSync(join(stackDir, "cdk.tf.json"), "utf8");
  terraform = runnerFor(stackDir, tenant);
  await terraform.init();
});
afterAll(async () => {
  await tenant?.close();
});

async function login(): Promise<{ claims: Record<string, unknown>; executed: string[] }> {
  const res = await requestJson<{ id_token: string; executed: string[] }>(`${tenant.url}/local/login`, {
    method: "POST",
    body: { user: "kazuyuki" },
    ca: tenant.caPem,
  });
  expect(res.status).toBe(200);
  const claims = await verifyIdToken(tenant.url, res.body.id_token, { ca: tenant.caPem, audience: LOCAL_APP.client_id });
  return { claims, executed: res.body.executed };
}

/** Edits the module's code in the synthesized stack: a new module version without touching the fixture. */
function rewriteModuleCode(edit: (code: string) => string): void {
  const file = join(stackDir, "cdk.tf.json");
  const json = JSON.parse(readFileSync(file, "utf8"));
  json.resource.auth0_action_module.greeting.code = edit(json.resource.auth0_action_module.greeting.code);
  writeFileSync(file, JSON.stringify(json, null, 2));
}

it("synth: the module is one auth0_action_module, published; the Action requires it by name and is pinned to its published version", () => {
  const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
  const module = json.resource.auth0_action_module.greeting;
  expect(module).toMatchObject({ name: "greeting", publish: true });
  expect(unescapeTerraformTemplate(module.code)).toContain("Hello, ${name}");
  const action = json.resource.auth0_action.greet_with_module;
  expect(action.code).toContain('require("actions:greeting")');
  expect(action.code).not.toContain("Hello, ");
  expect(action.modules).toEqual([
    { module_id: "${auth0_action_module.greeting.id}", module_version_id: "${auth0_action_module.greeting.version_id}" },
  ]);
  // The claims Action requires no module and is pinned to none.
  expect(json.resource.auth0_action.add_metadata_claims.modules).toBeUndefined();
});

it("apply creates and publishes the module before the Action that pins it; a login runs the module's code; a second plan has nothing to do", async () => {
  await terraform.apply();
  const [module] = tenant.model.listModules();
  expect(module.name).toBe("greeting");
  expect(module.versions.map((v) => v.version_number)).toEqual([1]);
  const action = tenant.model.listActions().find((a) => a.name === "Greet with module")!;
  expect(tenant.model.deployedVersion(action)?.modules).toEqual([{ module_id: module.id, module_version_id: module.versions[0].id }]);

  const { claims, executed } = await login();
  expect(executed).toEqual(["Add metadata to user profile v1", "Greet with module v1"]);
  expect(claims[GREETING_CLAIM]).toBe("Hello, Kazuyuki");
  expect(claims["/usertype"]).toBe("member");
  expect((await terraform.plan()).code).toBe(0);
});

const managementApi = () =>
  connectManagementApi({ domain: tenant.domain, env: { AUTH0_API_TOKEN: tenant.token, SSL_CERT_FILE: tenant.caFile } });

/** The promotion gate's view of this tenant as the upstream one: does it run the stack's modules? */
async function gateReasons(): Promise<string[]> {
  const api = await managementApi();
  const artifact = artifactModuleHashes(stackDir);
  return moduleGateReasons("modules", artifact, await readUpstreamModules(api, Object.keys(artifact)));
}

/** Verify's findings for this tenant against the stack (what `npm run verify` and deploy's check report). */
async function verifyFindings(): Promise<Finding[]> {
  const declared = readDeclaredStack(stackDir);
  const addresses: Record<string, string> = { "Greet with module": "auth0_action.greet_with_module" };
  const stateIds = Object.fromEntries(
    tenant.model.listActions().map((a) => [addresses[a.name] ?? "auth0_action.add_metadata_claims", a.id]),
  );
  return compareTenant(declared, await readTenantTruth(await managementApi(), declared, stateIds), { tenant: "modules", stackDir })
    .findings;
}

it("verify and the promotion gate: the deployed tenant runs the artifact's module; an artifact with other module code is refused until it is deployed", async () => {
  expect(await gateReasons()).toEqual([]);
  expect(await verifyFindings()).toEqual([]);
  rewriteModuleCode((code) => code.replace("Hello, ", "Welcome, "));
  const findings = await verifyFindings();
  expect(findings.map((f) => [f.kind, f.address])).toEqual([["module-differs", "auth0_action.greet_with_module"]]);
  expect(findings[0].message).toMatch(
    /^"Greet with module" runs Action Module "greeting" version 1 \(code sha256 [0-9a-f]{12}\), the artifact publishes [0-9a-f]{12}$/,
  );
  const reasons = await gateReasons();
  expect(reasons).toHaveLength(1);
  expect(reasons[0]).toMatch(
    /^Action Module "greeting": the code to publish \(sha256 [0-9a-f]{12}\) is not the code "modules" runs for "Greet with module" \(module version 1, sha256 [0-9a-f]{12}\)/,
  );
});

it("a module change publishes version 2 and re-pins the Action; the review shows the module's diff and the pinned Action", async () => {
  // The stack already carries the changed module code (previous test).
  const planned = await terraform.plan([`-out=${join(stackDir, "module.tfplan")}`]);
  expect(planned.code).toBe(2);
  const shown = await terraform.run(["show", "-json", "module.tfplan"], { quiet: true });
  const plan = JSON.parse(shown.stdout) as PlanJson;
  const changed = (plan.resource_changes ?? []).filter((c) => c.change.actions.join() !== "no-op").map((c) => c.address);
  expect(changed).toEqual(["auth0_action.greet_with_module", "auth0_action_module.greeting"]);

  const review = buildReview(plan, {
    tenant: "modules",
    tenantFile: "modules.yaml",
    flows: [],
    changedSources: { known: false, reason: "not a git checkout" },
  });
  const moduleChange = review.codeChanges.find((c) => c.address === "auth0_action_module.greeting")!;
  expect(moduleChange.pinnedBy).toEqual(["auth0_action.greet_with_module"]);
  expect(moduleChange.diff?.added).toBe(1);
  const markdown = renderReviewMarkdown(review);
  expect(markdown).toContain('#### Action Module "greeting" (`auth0_action_module.greeting`)');
  expect(markdown).toContain("Actions pinned to this module (each moves to the new version): `auth0_action.greet_with_module`.");
  expect(markdown).toMatch(/^\+.*Welcome, /m);

  await terraform.apply();
  const [module] = tenant.model.listModules();
  expect(module.versions.map((v) => v.version_number)).toEqual([1, 2]);
  const action = tenant.model.listActions().find((a) => a.name === "Greet with module")!;
  expect(tenant.model.deployedVersion(action)?.modules).toEqual([{ module_id: module.id, module_version_id: module.versions[1].id }]);
  const { claims, executed } = await login();
  expect(executed).toEqual(["Add metadata to user profile v1", "Greet with module v2"]);
  expect(claims[GREETING_CLAIM]).toBe("Welcome, Kazuyuki");
  expect((await terraform.plan()).code).toBe(0);
  expect(await gateReasons()).toEqual([]);
  expect(await verifyFindings()).toEqual([]);
});

it("a module an Action uses cannot be deleted: the Management API answers 409 in Auth0's error shape", async () => {
  const [module] = tenant.model.listModules();
  const res = await requestJson<Record<string, unknown>>(`${tenant.url}/api/v2/actions/modules/${module.id}`, {
    method: "DELETE",
    token: tenant.token,
    ca: tenant.caPem,
  });
  expect(res.status).toBe(409);
  expect(res.body).toMatchObject({ statusCode: 409, error: "Conflict", errorCode: "action_module_in_use" });
  expect(String(res.body.message)).toContain('"Greet with module"');
  expect(tenant.model.listModules()).toHaveLength(1);
});

it("drift: a module draft edited outside this repository shows as a code change of the module", async () => {
  const [module] = tenant.model.listModules();
  const edited = await requestJson(`${tenant.url}/api/v2/actions/modules/${module.id}`, {
    method: "PATCH",
    body: { code: `${module.code}\n// edited in the dashboard\n` },
    token: tenant.token,
    ca: tenant.caPem,
  });
  expect(edited.status).toBe(200);
  expect((await terraform.plan(["-refresh-only", `-out=${join(stackDir, "drift.tfplan")}`])).code).toBe(2);
  const shown = await terraform.run(["show", "-json", "drift.tfplan"], { quiet: true });
  const report = buildDriftReport(JSON.parse(shown.stdout) as PlanJson, { tenant: "modules", tenantFile: "modules.yaml" });
  expect(report.drifted.map((d) => `${d.address}: ${d.subject}`)).toEqual(['auth0_action_module.greeting: Action Module "greeting"']);
  expect(report.codeChanges.map((c) => [c.address, c.diff?.added])).toEqual([["auth0_action_module.greeting", 2]]);
});

it("removing the module and its use in one change updates the Action before deleting the module: no 409", async () => {
  // What synth makes when the handler stops importing the module and the tenant file drops it.
  const file = join(stackDir, "cdk.tf.json");
  const json = JSON.parse(readFileSync(file, "utf8"));
  const action = json.resource.auth0_action.greet_with_module;
  action.code = action.code
    .replace(/\(0, import_actions_greeting\.greeting\)\(([^)]*\))\)/, (_call: string, name: string) => `"Hi, " + ${name}`)
    .replace(/^.*require\("actions:greeting"\).*$/m, "");
  delete action.modules;
  delete json.resource.auth0_action_module;
  delete json.output?.action_module_code_sha256;
  writeFileSync(file, JSON.stringify(json, null, 2));

  expect((await terraform.plan([`-out=${join(stackDir, "drop.tfplan")}`])).code).toBe(2);
  const shown = await terraform.run(["show", "-json", "drop.tfplan"], { quiet: true });
  const review = buildReview(JSON.parse(shown.stdout) as PlanJson, {
    tenant: "modules",
    tenantFile: "modules.yaml",
    flows: [],
    changedSources: { known: false, reason: "not a git checkout" },
  });
  expect(review.warnings.filter((w) => w.kind === "module-deleted").map((w) => w.message)).toEqual([
    'Deletes Action Module "greeting" (`auth0_action_module.greeting`): this plan first re-deploys `auth0_action.greet_with_module` without it. If any other Action still uses it, Auth0 refuses the delete (HTTP 409) and the apply fails: remove it from those Actions first.',
  ]);

  const from = tenant.requests.length;
  await terraform.apply();
  const calls = tenant.requests.slice(from).filter((r) => r.method !== "GET");
  expect(calls.filter((r) => r.status >= 400)).toEqual([]);
  const deploy = calls.findIndex((r) => r.method === "POST" && r.path.endsWith("/deploy"));
  const remove = calls.findIndex((r) => r.method === "DELETE" && r.path.startsWith("/api/v2/actions/modules/"));
  expect(deploy).toBeGreaterThanOrEqual(0);
  expect(remove).toBeGreaterThan(deploy);
  expect(tenant.model.listModules()).toEqual([]);
  const { claims, executed } = await login();
  expect(executed).toEqual(["Add metadata to user profile v1", "Greet with module v3"]);
  expect(claims[GREETING_CLAIM]).toBe("Hi, Kazuyuki");
});

it("destroy deletes the Action before the module it pins, without a 409", async () => {
  writeFileSync(join(stackDir, "cdk.tf.json"), synthesized);
  await terraform.apply();
  expect(tenant.model.listModules()).toHaveLength(1);
  const from = tenant.requests.length;
  await terraform.destroy();
  const calls = tenant.requests.slice(from).filter((r) => r.method === "DELETE");
  const action = calls.findIndex((r) => r.path.startsWith("/api/v2/actions/actions/"));
  const module = calls.findIndex((r) => r.path.startsWith("/api/v2/actions/modules/"));
  expect(action).toBeGreaterThanOrEqual(0);
  expect(module).toBeGreaterThan(action);
  expect(tenant.requests.slice(from).filter((r) => r.status >= 400)).toEqual([]);
  expect(tenant.model.listModules()).toEqual([]);
});
