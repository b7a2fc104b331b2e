/**
 * Every tenant planned with the real auth0 provider from empty state (creation needs no API
 * call): exit codes as -detailed-exitcode, and the review of each tenant snapshotted.
 */
import { readFileSync } from "node:fs";
import { REPO_ROOT } from "../../src/paths";
import { loadTenants } from "../../src/config/load-tenants";
import { planTenants, type PlanOutcome } from "../../src/plan/run-plan";
import { makeWorkspace, normalizeReview, NO_SOURCE_CHANGES, testEnv, removeWorkspaces, type Workspace } from "../support/plan/workspace";

afterAll(removeWorkspaces);

let ws: Workspace;
let outcome: PlanOutcome;

beforeAll(async () => {
  ws = makeWorkspace();
  // --local-state: staging and prod use S3 backends; tests plan them against an empty local state.
  outcome = await planTenants({
    selection: "all",
    tenantsDir: ws.tenantsDir,
    outdir: ws.outdir,
    env: testEnv(),
    localStateDir: ws.stateDir,
    changedSources: NO_SOURCE_CHANGES,
  });
});

test("plans every tenant file and exits 2 (changes), like terraform plan -detailed-exitcode", () => {
  const names = loadTenants(`${REPO_ROOT}/tenants`).map((t) => t.name);
  expect(outcome.error).toBeUndefined();
  expect(outcome.tenants.map((t) => [t.tenant, t.exitCode, t.error])).toEqual(names.map((n) => [n, 2, undefined]));
  expect(outcome.exitCode).toBe(2);
});

test("each review creates every declared Action and binds each flow; the claims Action on post-login", () => {
  const tenants = loadTenants(`${REPO_ROOT}/tenants`);
  for (const t of outcome.tenants) {
    const review = t.review!;
    const flows = Object.values(tenants.find((x) => x.name === t.tenant)!.flows);
    // One auth0_action per Action; one auth0_trigger_actions per authoritative flow, one auth0_trigger_action per appended Action.
    const add = flows.reduce((n, f) => n + f.actions.length + (f.mode === "authoritative" ? 1 : f.actions.length), 0);
    expect(review.counts).toEqual({ add, change: 0, destroy: 0 });
    const action = review.resources.find((r) => r.address === "auth0_action.add_metadata_claims")!;
    expect(action).toMatchObject({ kind: "create", subject: 'Action "Add metadata to user profile"' });
    expect(review.resources.filter((r) => r.type !== "auth0_action").every((r) => r.kind === "create")).toBe(true);
    expect(t.markdown).toContain(`**${add} to add, 0 to change, 0 to destroy.**`);
    expect(t.markdown).toContain('secrets_wo: [{ name = `"CLAIMS_CONFIG"`, value = (write-only attribute) }]');
  }
});

test("the local tenant's review covers its credentials-exchange Action next to the claims Action", () => {
  const local = outcome.tenants.find((t) => t.tenant === "local")!;
  expect(local.review!.resources.find((r) => r.address === "auth0_action.m2m_claims")).toMatchObject({
    kind: "create",
    subject: 'Action "M2M claims"',
  });
  expect(local.markdown).toContain("credentials-exchange flow: authoritative");
  expect(local.review!.codeChanges.map((c) => c.actionName).sort()).toEqual(["Add metadata to user profile", "M2M claims"]);
});

test("each authoritative flow is warned that bindings made elsewhere are removed; appended flows are not", () => {
  for (const t of outcome.tenants) {
    const kinds = t.review!.warnings.map((w) => w.kind);
    const authoritative = t.review!.flows.filter((f) => f.mode === "authoritative").length;
    expect(kinds).toEqual(Array(authoritative).fill("flow-replaces-bindings"));
    if (authoritative > 0) expect(t.markdown).toMatch(/Any binding made outside this repository .* will be removed/);
  }
});

test("reviews are written to <outdir>/review/<tenant>.md, byte for byte what was printed", () => {
  for (const t of outcome.tenants) {
    expect(t.reviewFile).toBe(`${ws.outdir}/review/${t.tenant}.md`);
    expect(readFileSync(t.reviewFile, "utf8")).toBe(t.markdown);
  }
});

test("reviews hold no absolute path, timestamp or Terraform version", () => {
  for (const t of outcome.tenants) {
    expect(t.markdown).not.toContain(ws.root);
    expect(t.markdown).not.toContain(REPO_ROOT);
    expect(t.markdown).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    expect(t.markdown).not.toMatch(/1\.11\.\d|terraform_version/i);
  }
});

test.each(["dev", "local", "prod", "staging"])("review of %s (snapshot)", (tenant) => {
  const t = outcome.tenants.find((o) => o.tenant === tenant);
  expect(t).toBeDefined();
  expect(normalizeReview(t!.markdown)).toMatchSnapshot();
});
