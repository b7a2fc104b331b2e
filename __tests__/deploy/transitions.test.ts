/**
 * Changing the shape of what is deployed, with the real Terraform and provider against one local
 * tenant, transition after transition: an Action taken out, a handler renamed, a flow switched
 * between append and authoritative (both ways), a flow re-ordered (authoritative: one call; append:
 * unbind and bind again), an Action moved to another trigger, a flow's last Actions deleted.
 *
 * For each: `npm run plan`'s review names what changes and shows the binding order before and
 * after; `npm run deploy` is SIGKILLed mid-apply, rerun, and converges (exit 0, verify 0) without
 * the tenant ever answering 409; and logins keep arriving the whole time, counting ID tokens
 * without the claims. The claims Action must never be missing, except where the review says so.
 *
 * The state lives in PostgreSQL (the pg backend, a throwaway cluster): it is written in one
 * transaction, so the SIGKILL can land anywhere, including while the state is being written. (A
 * local state file killed mid-write is cut short; the command then names the .backup to restore.)
 */
jest.mock("../../src/bundle/bundle-action", () =>
  jest.requireActual("../support/transition-handlers").bundleModuleWithTransitionHandlers(),
);

import type { Tenant } from "../../src/config/load-tenants";
import { deployTenant } from "../../src/deploy/run-deploy";
import { requestJson } from "../../src/local-run/client";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { planTenants, type TenantPlanOutcome } from "../../src/plan/run-plan";
import { verifyTenants } from "../../src/verify/run-verify";
import { tenantFromYaml } from "../support/plan/extra-handler";
import { freePort, startPostgres, type Postgres } from "../support/postgres";
import { makeWorkspace, tenantEnv, type Workspace } from "../support/deploy";
import { tempDir } from "../support/temp-dir";

const API = { retries: 8, minBackoffMs: 50 };
const CLAIMS = ["/usertype", "/coops", "/coopnames"];
let pg: Postgres;
let tenant: LocalTenant;
let ws: Workspace;
let pluginCache: string;
/** Logins and logins without the claims, per transition: the figures docs/deploy-and-verify.md records. */
const counts: Array<{ transition: string; logins: number; missing: number }> = [];

beforeAll(async () => {
  pg = startPostgres(await freePort());
  tenant = await startLocalTenant({
    stateDir: tempDir("transitions-tenant"),
    port: 0,
    buildMs: 200,
    // Called as each answer goes out ("POST /api/v2/... 201"): the kill below lands while Terraform still runs.
    log: (line) => {
      const [method, path, status] = line.split(" ");
      onAnswered?.({ method, path, status: Number(status) });
    },
  });
  ws = makeWorkspace("transitions");
  pluginCache = tempDir("transitions-plugin-cache");
});

afterAll(async () => {
  process.stderr.write(
    `logins per transition (logins / without the claims):\n${counts.map((c) => `  ${c.transition}: ${c.logins} / ${c.missing}`).join("\n")}\n`,
  );
  await tenant?.close();
  pg?.stop();
});

type Entry = string | { handler: string; name: string; renamed_from?: string };
type Flows = Record<string, { mode: "append" | "authoritative"; actions: Entry[] }>;

/** The tenant file for `flows`, through the real schema (the trans-* handlers exist only in the bundler). */
function tenantWith(flows: Flows): Tenant {
  const lines = [
    `domain: ${tenant.domain}`,
    "claims:",
    '  namespace: ""',
    "  id_token: [usertype, coops, coopnames]",
    "flows:",
    ...Object.entries(flows).flatMap(([trigger, flow]) => [
      `  ${trigger}:`,
      `    mode: ${flow.mode}`,
      "    actions:",
      ...flow.actions.map((a) => `      - ${JSON.stringify(typeof a === "string" ? { handler: a } : a)}`),
    ]),
    "backend:",
    "  type: pg",
    "  schema_name: auth0_transitions",
  ];
  return tenantFromYaml("dev", lines.join("\n"));
}

const run = (t: Tenant) => ({
  tenants: [t],
  tenantsDir: ws.tenantsDir,
  outdir: ws.outdir,
  env: { ...tenantEnv(tenant, pluginCache), PG_CONN_STR: pg.connStr },
  api: API,
});

async function plan(t: Tenant): Promise<TenantPlanOutcome> {
  const outcome = await planTenants({ ...run(t), selection: ["dev"], changedSources: { known: true, base: "origin/main", files: [] } });
  expect(outcome.tenants[0].error).toBeUndefined();
  expect(outcome.tenants[0].exitCode).toBe(2);
  return outcome.tenants[0];
}

/** Logs in again and again until stopped; counts ID tokens that lack any of the claims. */
function loginLoop(): { stop: () => Promise<{ logins: number; missing: number }> } {
  let stopped = false;
  let logins = 0;
  let missing = 0;
  const loop = (async () => {
    while (!stopped) {
      const res = await requestJson<{ id_token: string }>(`${tenant.url}/local/login`, {
        method: "POST",
        body: { user: "kazuyuki" },
        ca: tenant.caPem,
      });
      if (res.status !== 200) throw new Error(`login answered ${res.status}: ${JSON.stringify(res.body)}`);
      const claims = JSON.parse(Buffer.from(res.body.id_token.split(".")[1], "base64url").toString()) as Record<string, unknown>;
      logins++;
      if (!CLAIMS.every((c) => c in claims)) missing++;
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return { logins, missing };
    },
  };
}

type Answer = LocalTenant["requests"][number];
let onAnswered: ((answer: Answer) => void) | undefined;
const mutating = (r: Answer) => r.method !== "GET" && r.path.startsWith("/api/v2/actions/") && r.status < 300;

/**
 * `npm run deploy` with its first apply SIGKILLed the moment the tenant answers that apply's first
 * change (Terraform has not even read the answer), then run again: it must converge. Logins run
 * throughout. Returns the login counts; asserts the kill landed and no 409 was ever answered.
 */
async function deployKilledThenRerun(
  transition: string,
  t: Tenant,
  killAt: (answer: Answer) => boolean = mutating,
): Promise<{ logins: number; missing: number }> {
  const from = tenant.requests.length;
  const logins = loginLoop();
  let pid: number | undefined;
  let landed = false;
  onAnswered = (answer) => {
    if (pid === undefined || !killAt(answer)) return;
    onAnswered = undefined;
    landed = process.kill(pid, "SIGKILL");
  };
  // A killed apply is not the end of a deploy: it verifies, repairs and applies again itself.
  await deployTenant({ ...run(t), tenant: "dev", onTerraformSpawn: (p) => (pid ??= p) });
  onAnswered = undefined;
  const rerun = await deployTenant({ ...run(t), tenant: "dev" });
  const count = await logins.stop();
  counts.push({ transition, ...count });
  expect(landed).toBe(true);
  expect(rerun.error).toBeUndefined();
  expect(rerun.exitCode).toBe(0);
  expect(tenant.requests.slice(from).filter((r) => r.status === 409)).toEqual([]);
  expect((await verifyTenants({ ...run(t), selection: ["dev"] })).exitCode).toBe(0);
  expect(count.logins).toBeGreaterThan(0);
  return count;
}

/** What Auth0 runs per trigger, by Action name, in order. */
function bound(trigger: string): string[] {
  const names = new Map(tenant.model.listActions().map((a) => [a.id, a.name]));
  return tenant.model.getBindings(trigger).map((b) => names.get(b.action_id) ?? `(deleted ${b.action_id})`);
}

const actionNames = () =>
  tenant.model
    .listActions()
    .map((a) => a.name)
    .sort();

/** The review's "Binding order" lines for `trigger`. */
function orderLines(review: string, trigger: string): { before: string; after: string } {
  const at = review.indexOf(`### Binding order (before → after)`);
  expect(at).toBeGreaterThanOrEqual(0);
  const lines = review.slice(at).split("\n");
  const i = lines.indexOf(`- ${trigger}`);
  expect(i).toBeGreaterThan(0);
  return { before: lines[i + 1].replace("  - before: ", ""), after: lines[i + 2].replace("  - after: ", "") };
}

const order = (...names: string[]) => names.map((n) => `\`"${n}"\``).join(" → ");
const CLAIMS_ACTION = "add-metadata-claims";
/** The claims Action's name in Auth0 (the handler's default name). */
const CLAIMS_NAME = "Add metadata to user profile";

test("start: post-login append [claims, fraud, geo], credentials-exchange append [m2m]", async () => {
  const t = tenantWith({
    "post-login": { mode: "append", actions: [CLAIMS_ACTION, "trans-fraud", { handler: "trans-geo", name: "Geo check" }] },
    "credentials-exchange": { mode: "append", actions: ["trans-m2m"] },
  });
  const deployed = await deployTenant({ ...run(t), tenant: "dev" });
  expect(deployed.error).toBeUndefined();
  expect(deployed.exitCode).toBe(0);
  expect(bound("post-login")).toEqual([CLAIMS_NAME, "trans-fraud", "Geo check"]);
  expect(bound("credentials-exchange")).toEqual(["trans-m2m"]);
});

test("taking an Action out of the middle of an append flow", async () => {
  const t = tenantWith({
    "post-login": { mode: "append", actions: [CLAIMS_ACTION, { handler: "trans-geo", name: "Geo check" }] },
    "credentials-exchange": { mode: "append", actions: ["trans-m2m"] },
  });
  const review = (await plan(t)).markdown;
  expect(review).toContain('Deletes Action "trans-fraud"');
  expect(orderLines(review, "post-login")).toEqual({
    before: order(CLAIMS_NAME, "trans-fraud", "Geo check"),
    after: order(CLAIMS_NAME, "Geo check"),
  });
  const count = await deployKilledThenRerun("remove an Action", t);
  expect(count.missing).toBe(0);
  expect(bound("post-login")).toEqual([CLAIMS_NAME, "Geo check"]);
  expect(actionNames()).not.toContain("trans-fraud");
});

test("renaming a handler keeps the Action (same id, a moved address)", async () => {
  const geoId = tenant.model.listActions().find((a) => a.name === "Geo check")!.id;
  const t = tenantWith({
    "post-login": { mode: "append", actions: [CLAIMS_ACTION, { handler: "trans-geo-v2", name: "Geo check", renamed_from: "trans-geo" }] },
    "credentials-exchange": { mode: "append", actions: ["trans-m2m"] },
  });
  const review = (await plan(t)).markdown;
  expect(review).toContain("auth0_action.trans_geo_v2");
  expect(review).not.toContain("Deletes Action");
  const count = await deployKilledThenRerun("rename a handler", t);
  expect(count.missing).toBe(0);
  expect(bound("post-login")).toEqual([CLAIMS_NAME, "Geo check"]);
  expect(tenant.model.listActions().find((a) => a.name === "Geo check")!.id).toBe(geoId);
});

test("append → authoritative: one call takes the flow over, nothing is unbound on the way", async () => {
  const t = tenantWith({
    "post-login": { mode: "authoritative", actions: [CLAIMS_ACTION, { handler: "trans-geo-v2", name: "Geo check" }] },
    "credentials-exchange": { mode: "append", actions: ["trans-m2m"] },
  });
  const review = (await plan(t)).markdown;
  expect(review).toContain("Authoritative post-login flow");
  const count = await deployKilledThenRerun("append → authoritative", t);
  expect(count.missing).toBe(0);
  expect(bound("post-login")).toEqual([CLAIMS_NAME, "Geo check"]);
});

test("re-ordering an authoritative flow: one call, no gap", async () => {
  const t = tenantWith({
    "post-login": { mode: "authoritative", actions: [{ handler: "trans-geo-v2", name: "Geo check" }, CLAIMS_ACTION] },
    "credentials-exchange": { mode: "append", actions: ["trans-m2m"] },
  });
  const review = (await plan(t)).markdown;
  expect(orderLines(review, "post-login")).toEqual({ before: order(CLAIMS_NAME, "Geo check"), after: order("Geo check", CLAIMS_NAME) });
  expect(review).toContain("Re-orders the post-login flow");
  const count = await deployKilledThenRerun("re-order (authoritative)", t);
  expect(count.missing).toBe(0);
  expect(bound("post-login")).toEqual(["Geo check", CLAIMS_NAME]);
});

test("authoritative → append: the bindings stay, each binding resource adopts its own", async () => {
  const t = tenantWith({
    "post-login": { mode: "append", actions: [{ handler: "trans-geo-v2", name: "Geo check" }, CLAIMS_ACTION] },
    "credentials-exchange": { mode: "append", actions: ["trans-m2m"] },
  });
  await plan(t);
  // The bindings are adopted, not made again: this apply changes nothing in the tenant, so it is killed on its first read.
  const count = await deployKilledThenRerun("authoritative → append", t, (answer) => answer.path.startsWith("/api/v2/actions/"));
  expect(count.missing).toBe(0);
  expect(bound("post-login")).toEqual(["Geo check", CLAIMS_NAME]);
});

test("re-ordering an append flow: the review names the gap in the claims", async () => {
  const t = tenantWith({
    "post-login": { mode: "append", actions: [CLAIMS_ACTION, { handler: "trans-geo-v2", name: "Geo check" }] },
    "credentials-exchange": { mode: "append", actions: ["trans-m2m"] },
  });
  const review = (await plan(t)).markdown;
  expect(orderLines(review, "post-login")).toEqual({ before: order("Geo check", CLAIMS_NAME), after: order(CLAIMS_NAME, "Geo check") });
  await deployKilledThenRerun("re-order (append)", t);
  expect(bound("post-login")).toEqual([CLAIMS_NAME, "Geo check"]);
});

test("moving an Action to another trigger", async () => {
  const t = tenantWith({
    "post-login": { mode: "append", actions: [CLAIMS_ACTION] },
    "credentials-exchange": { mode: "append", actions: ["trans-m2m", { handler: "trans-geo-v2", name: "Geo check" }] },
  });
  const review = (await plan(t)).markdown;
  expect(orderLines(review, "post-login")).toEqual({ before: order(CLAIMS_NAME, "Geo check"), after: order(CLAIMS_NAME) });
  expect(orderLines(review, "credentials-exchange")).toEqual({ before: order("trans-m2m"), after: order("trans-m2m", "Geo check") });
  const count = await deployKilledThenRerun("move to another trigger", t);
  expect(count.missing).toBe(0);
  expect(bound("post-login")).toEqual([CLAIMS_NAME]);
  expect(bound("credentials-exchange")).toEqual(["trans-m2m", "Geo check"]);
});

test("deleting the last Actions of a flow and the tenant's last non-claims Actions", async () => {
  const t = tenantWith({ "post-login": { mode: "append", actions: [CLAIMS_ACTION] } });
  const review = (await plan(t)).markdown;
  expect(orderLines(review, "credentials-exchange")).toEqual({ before: order("trans-m2m", "Geo check"), after: "(nothing bound)" });
  const count = await deployKilledThenRerun("delete a flow's last Actions", t);
  expect(count.missing).toBe(0);
  expect(bound("credentials-exchange")).toEqual([]);
  expect(actionNames()).toEqual([CLAIMS_NAME]);
});
