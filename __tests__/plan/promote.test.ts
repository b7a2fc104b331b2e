/**
 * The promotion gate: the order the tenant files declare, the credentials it needs, and the rule
 * itself (every Action of the artifact, keyed by resource address, deployed in `from` with the same
 * code, and nothing `from`'s verify found). Reading `from`'s deployed versions from a real (local)
 * tenant is covered in __tests__/deploy/deploy-verify.test.ts.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { bundlePostLoginHandler } from "../../src/bundle/bundle-action";
import { loadTenants } from "../../src/config/load-tenants";
import { savedPlan, terraformInit, terraformProcessEnv } from "../../src/terraform/commands";
import { openStackWorkdir } from "../../src/terraform/workdir";
import { checkPromotion } from "../../src/promote/promotion-gate";
import { promote, type DeployStep, type DeployTarget } from "../../src/promote/promote";
import { synthTenants } from "../../src/synth/synth-tenants";
import { writeState } from "../support/plan/state";
import { makeWorkspace, testEnv, removeWorkspaces, type Workspace } from "../support/plan/workspace";

afterAll(removeWorkspaces);

let ws: Workspace;
let artifactHash: string;
let deployed: DeployTarget[];

const recordingDeploy: DeployStep = async (target) => {
  deployed.push(target);
  return { exitCode: 0, markdown: "", repairs: [] };
};

function devState(outputs: Parameters<typeof writeState>[2] | undefined): void {
  rmSync(join(ws.stateDir, "dev.tfstate"), { force: true });
  if (outputs) writeState(join(ws.stateDir, "dev.tfstate"), [], outputs);
}

const run = (from: string, to: string) =>
  promote({
    from,
    to,
    tenantsDir: ws.tenantsDir,
    artifactDir: ws.outdir,
    env: testEnv(),
    localStateDir: ws.stateDir,
    deploy: recordingDeploy,
  });

beforeAll(() => {
  ws = makeWorkspace();
  synthTenants(loadTenants(ws.tenantsDir), ws.outdir);
  // Independent of the artifact reader: the bundler's own hash of the code it produced.
  artifactHash = bundlePostLoginHandler("add-metadata-claims").sha256;
});

beforeEach(() => {
  deployed = [];
});

test("the plan's action_code_sha256 is the bundler's hash of the code: what Terraform will record", async () => {
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

test("refuses an order the tenant files do not declare, before reading any state", async () => {
  devState({ action_code_sha256: { "post-login": { "add-metadata-claims": artifactHash } } });
  const skip = await run("dev", "prod");
  expect(skip.exitCode).toBe(1);
  expect(skip.message).toContain('tenants/prod.yaml declares promotes_from: staging; "prod" only receives code that runs in "staging"');
  const backwards = await run("staging", "dev");
  expect(backwards.exitCode).toBe(1);
  expect(backwards.message).toContain("declares no promotes_from");
  expect(deployed).toEqual([]);
});

test("refuses without credentials to deploy with, and names unknown tenants", async () => {
  const noCredentials = await promote({
    from: "dev",
    to: "staging",
    tenantsDir: ws.tenantsDir,
    artifactDir: ws.outdir,
    env: testEnv({}),
    deploy: recordingDeploy,
  });
  expect(noCredentials.exitCode).toBe(1);
  expect(noCredentials.message).toContain("no Auth0 credentials");
  const unknown = await run("dev", "qa");
  expect(unknown.message).toMatch(/^no tenant named "qa"; tenants are: .*staging/);
  expect(deployed).toEqual([]);
});

test("the gate itself: every Action of the artifact, by resource address, must run in from with the same code", () => {
  const to = { name: "prod", file: "tenants/prod.yaml", promotes_from: "staging" };
  const from = { name: "staging" };
  const status = (address: string, deployed: string | undefined) => ({
    address,
    name: "same display name",
    trigger: "post-login",
    artifactSha256: "x",
    deployedSha256: deployed,
  });
  const artifact = { "auth0_action.a": "a".repeat(64), "auth0_action.b": "b".repeat(64) };
  const clean = { actions: [status("auth0_action.a", "a".repeat(64)), status("auth0_action.b", "b".repeat(64))], findings: [] };
  expect(checkPromotion({ from, to, artifact, fromVerify: clean })).toEqual({ allowed: true });
  // Same display name twice: each is still checked on its own.
  const oneDiffers = { actions: [status("auth0_action.a", "a".repeat(64)), status("auth0_action.b", "f".repeat(64))], findings: [] };
  expect(checkPromotion({ from, to, artifact, fromVerify: oneDiffers })).toEqual({
    allowed: false,
    reasons: [expect.stringContaining("auth0_action.b: the code to deploy")],
  });
  const missing = { actions: [status("auth0_action.a", "a".repeat(64))], findings: [] };
  expect(checkPromotion({ from, to, artifact, fromVerify: missing })).toEqual({
    allowed: false,
    reasons: ['auth0_action.b is not deployed in "staging"; it must run there before "prod" gets it'],
  });
  const draft = {
    ...clean,
    findings: [
      { kind: "undeployed-draft" as const, address: "auth0_action.a", message: "a saved draft", fix: "npm run deploy -- staging" },
    ],
  };
  expect(checkPromotion({ from, to, artifact, fromVerify: draft })).toEqual({
    allowed: false,
    reasons: ['"staging": saved but not deployed: a saved draft (fix: npm run deploy -- staging)'],
  });
  expect(checkPromotion({ from, to, artifact: {}, fromVerify: clean }).allowed).toBe(false);
});
