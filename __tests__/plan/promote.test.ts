/**
 * The promotion gate with real Terraform reading real state files: `npm run promote -- dev staging`
 * deploys staging only when dev's state records the artifact's code hashes. The deploy step is
 * injected (a full apply is covered by the local tenant's end-to-end tests).
 */
import { createHash } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { bundlePostLoginHandler } from "../../src/bundle/bundle-action";
import { loadTenants } from "../../src/config/load-tenants";
import { savedPlan, terraformInit, terraformProcessEnv } from "../../src/terraform/commands";
import { openStackWorkdir } from "../../src/terraform/workdir";
import { artifactCodeHashes, readArtifactCodeHashes } from "../../src/promote/artifact-hashes";
import { checkPromotion } from "../../src/promote/promotion-gate";
import { promote, type DeployStep, type DeployTarget } from "../../src/promote/promote";
import { escapeTerraformTemplate } from "../../src/terraform/template-escape";
import { synthTenants } from "../../src/synth/synth-tenants";
import { writeState } from "./support/state";
import { makeWorkspace, testEnv, removeWorkspaces, type Workspace } from "./support/workspace";

afterAll(removeWorkspaces);

const ACTION = "post-login/add-metadata-claims";
/** The stack output's nested shape: { trigger: { handler: sha256 } }. */
const recorded = (byKey: Record<string, string>) => ({
  action_code_sha256: Object.fromEntries(Object.entries(byKey).map(([key, hash]) => [key.split("/")[0], { [key.split("/")[1]]: hash }])),
});
let ws: Workspace;
let artifactHash: string;
let deployed: DeployTarget[];

const recordingDeploy: DeployStep = async (target) => {
  deployed.push(target);
};

function devState(outputs: Parameters<typeof writeState>[2] | undefined): void {
  rmSync(join(ws.stateDir, "dev.tfstate"), { force: true });
  if (outputs) writeState(join(ws.stateDir, "dev.tfstate"), [], outputs);
}

const run = (from: string, to: string) =>
  promote({ from, to, tenantsDir: ws.tenantsDir, artifactDir: ws.outdir, env: testEnv(), localStateDir: ws.stateDir, deploy: recordingDeploy });

beforeAll(() => {
  ws = makeWorkspace();
  synthTenants(loadTenants(ws.tenantsDir), ws.outdir);
  // Independent of the artifact reader: the bundler's own hash of the code it produced.
  artifactHash = bundlePostLoginHandler("add-metadata-claims").sha256;
});

beforeEach(() => {
  deployed = [];
});

test("the artifact's hashes are what Terraform will record: same value as the plan's action_code_sha256", async () => {
  expect(readArtifactCodeHashes(join(ws.outdir, "stacks", "staging"))).toEqual({ [ACTION]: artifactHash });
  const env = terraformProcessEnv(testEnv());
  const stateDir = join(ws.root, "empty-state");
  mkdirSync(stateDir);
  const workdir = openStackWorkdir(join(ws.outdir, "stacks", "staging"), "staging", { localStateDir: stateDir });
  try {
    await terraformInit(workdir.dir, env);
    const { plan } = await savedPlan(workdir.dir, [], env);
    expect(plan.output_changes?.action_code_sha256.after).toEqual({ "post-login": { "add-metadata-claims": artifactHash } });
  } finally {
    workdir.dispose();
  }
});

test("hashes are of the code Terraform sends, with its template escapes undone", () => {
  const code = "const s = `${a}%{b}`;\n";
  const json = { output: { action_code_sha256: { value: { "post-login": { a: "${sha256(auth0_action.a.code)}" } } } }, resource: { auth0_action: { a: { code: escapeTerraformTemplate(code) } } } };
  expect(artifactCodeHashes(json, "cdk.tf.json")).toEqual({ "post-login/a": createHash("sha256").update(code).digest("hex") });
});

test("deploys staging when dev's state records the same code", async () => {
  devState(recorded({ [ACTION]: artifactHash }));
  const outcome = await run("dev", "staging");
  expect(outcome).toEqual({ exitCode: 0, message: `promoted dev → staging: "${ACTION}" ${artifactHash.slice(0, 12)}` });
  expect(deployed).toHaveLength(1);
  expect(deployed[0].tenant.name).toBe("staging");
  expect(deployed[0].expectedHashes).toEqual({ [ACTION]: artifactHash });
});

test("refuses a hash that dev never ran", async () => {
  const other = "0".repeat(64);
  devState(recorded({ [ACTION]: other }));
  const outcome = await run("dev", "staging");
  expect(outcome.exitCode).toBe(1);
  expect(outcome.message).toContain("refusing to promote dev → staging");
  expect(outcome.message).toContain(`Action "${ACTION}": the code to deploy (sha256 ${artifactHash.slice(0, 12)}) is not the code "dev" runs (sha256 000000000000)`);
  expect(deployed).toEqual([]);
});

test("refuses when dev has no state at all", async () => {
  devState(undefined);
  const outcome = await run("dev", "staging");
  expect(outcome.exitCode).toBe(1);
  expect(outcome.message).toContain('"dev" has no recorded deployment');
  expect(deployed).toEqual([]);
});

test("refuses when dev's state lacks one of the artifact's Actions", async () => {
  devState(recorded({ "post-login/another-action": artifactHash }));
  const outcome = await run("dev", "staging");
  expect(outcome.exitCode).toBe(1);
  expect(outcome.message).toContain(`Action "${ACTION}" is not deployed in "dev"`);
  expect(deployed).toEqual([]);
});

test("refuses an order the tenant files do not declare, before reading any state", async () => {
  devState(recorded({ [ACTION]: artifactHash }));
  const skip = await run("dev", "prod");
  expect(skip.exitCode).toBe(1);
  expect(skip.message).toContain('tenants/prod.yaml declares promotes_from: staging; "prod" only receives code that runs in "staging"');
  const backwards = await run("staging", "dev");
  expect(backwards.exitCode).toBe(1);
  expect(backwards.message).toContain("declares no promotes_from");
  expect(deployed).toEqual([]);
});

test("refuses without credentials to deploy with, and names unknown tenants", async () => {
  const noCredentials = await promote({ from: "dev", to: "staging", tenantsDir: ws.tenantsDir, artifactDir: ws.outdir, env: testEnv({}), deploy: recordingDeploy });
  expect(noCredentials.exitCode).toBe(1);
  expect(noCredentials.message).toContain("no Auth0 credentials");
  const unknown = await run("dev", "qa");
  expect(unknown.message).toMatch(/^no tenant named "qa"; tenants are: .*staging/);
  expect(deployed).toEqual([]);
});

test("the gate itself: every Action of the artifact must match", () => {
  const to = { name: "prod", file: "tenants/prod.yaml", promotes_from: "staging" };
  const from = { name: "staging" };
  expect(checkPromotion({ from, to, artifact: { A: "a".repeat(64), B: "b".repeat(64) }, deployedInFrom: { A: "a".repeat(64), B: "b".repeat(64), C: "c" } })).toEqual({ allowed: true });
  const decision = checkPromotion({ from, to, artifact: { A: "a".repeat(64), B: "b".repeat(64) }, deployedInFrom: { A: "a".repeat(64), B: "f".repeat(64) } });
  expect(decision).toEqual({ allowed: false, reasons: [expect.stringContaining('Action "B"')] });
  expect(checkPromotion({ from, to, artifact: {}, deployedInFrom: { A: "a" } }).allowed).toBe(false);
});
