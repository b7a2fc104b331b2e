/**
 * A 429 storm on one tenant of `deploy --all`, with the real Terraform and provider against three
 * local tenants deploying at once. Every Management API call of the "busy" tenant is answered 429
 * (with X-RateLimit-Reset, as Auth0's limiter does) for as long as the storm lasts:
 *   - during apply, the provider waits out every 429 (it retries them without limit, after
 *     X-RateLimit-Reset) while the two other tenants deploy, verify and report;
 *   - during verify, this repository's client backs off and retries; a storm shorter than its
 *     retries converges, a longer one fails that tenant alone with the command to run once it passes.
 * Each tenant ends with one status line; the others end at exit 0 and verified either way.
 */
jest.mock("../../src/bundle/bundle-action", () => jest.requireActual("../support/deploy").bundleModuleWithVariant());

import { cpSync } from "node:fs";
import { join } from "node:path";
import { deployTenant, deployTenants } from "../../src/deploy/run-deploy";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { verifyTenants } from "../../src/verify/run-verify";
import { waitFor } from "../support/postgres";
import { makeWorkspace, setHandlerVariant, tenantEnv, writeTenantFile, type Workspace } from "../support/deploy";
import { tempDir } from "../support/temp-dir";

/** Our client's retries of one request (9 attempts): the long storm must outlast them. */
const API = { retries: 8, minBackoffMs: 50 };
/** "busy" sorts first, so with two lanes it holds one while the other two share the second. */
const NAMES = ["busy", "calm-a", "calm-b"] as const;
type Name = (typeof NAMES)[number];
const tenants = {} as Record<Name, LocalTenant>;
let ws: Workspace;
let pluginCache: string;

/**
 * The three tenants share one CA and one set of client credentials, as tenants of one CI job share
 * its environment (one SSL_CERT_FILE, one AUTH0_CLIENT_ID/SECRET); each keeps its own Actions.
 */
beforeAll(async () => {
  const first = tempDir("storm-busy");
  tenants.busy = await startLocalTenant({ stateDir: first, port: 0, dependencies: "syntax" });
  for (const name of ["calm-a", "calm-b"] as const) {
    const dir = tempDir(`storm-${name}`);
    cpSync(join(first, "ca"), join(dir, "ca"), { recursive: true });
    cpSync(join(first, "credentials.json"), join(dir, "credentials.json"));
    tenants[name] = await startLocalTenant({ stateDir: dir, port: 0, dependencies: "syntax" });
  }
  ws = makeWorkspace("storm");
  pluginCache = tempDir("storm-plugin-cache");
  for (const name of NAMES) writeTenantFile(ws, name, tenants[name].domain, ["backend:", "  type: local", `  path: state/${name}.tfstate`]);
});

afterAll(async () => {
  setHandlerVariant(undefined);
  for (const name of NAMES) await tenants[name]?.close();
});

const opts = () => ({ tenantsDir: ws.tenantsDir, outdir: ws.outdir, env: tenantEnv(tenants.busy, pluginCache), api: API });
const storm = () => tenants.busy;

/** Every Management API call answered 429 `times` times, the limit resetting a second later. */
const rateLimited = (times: number) => ({ path: "^/api/v2/", status: 429, times, resetAfterSeconds: 1 });

/**
 * `deploy --all`, two lanes for three tenants (the storm holds one); `onStormVerify` runs when the storm
 * tenant's apply is done and its verify is about to call the Management API.
 */
function deployAll(onStormVerify: () => void): { lines: string[]; done: ReturnType<typeof deployTenants> } {
  const lines: string[] = [];
  let verifying = false;
  const done = deployTenants({
    ...opts(),
    selection: "all",
    concurrency: 2,
    log: (line) => {
      lines.push(line);
      if (!verifying && line.startsWith("busy: reading Actions and bindings from")) {
        verifying = true;
        onStormVerify();
      }
    },
  });
  return { lines, done };
}

/** A tenant's status lines: "<tenant>: <how it ended> (k/3 done)". */
const statusLines = (lines: readonly string[], name: Name) => lines.filter((l) => l.startsWith(`${name}: `) && /\(\d\/3 done\)$/.test(l));

async function expectVerified(names: readonly Name[]): Promise<void> {
  const verified = await verifyTenants({ ...opts(), selection: [...names] });
  expect(verified.tenants.map((t) => [t.tenant, t.exitCode])).toEqual(names.map((n) => [n, 0]));
}

test("a storm during apply and verify: the others finish first, the provider and the client wait it out, all converge", async () => {
  storm().faults.add(rateLimited(100_000));
  const run = deployAll(() => storm().faults.add(rateLimited(4)));

  // The other two deploy through the second lane while the provider keeps waiting out the storm.
  await waitFor(
    "calm-a and calm-b to finish while the provider retries",
    () => statusLines(run.lines, "calm-a").length + statusLines(run.lines, "calm-b").length === 2 && storm().faults.served.length >= 3,
    240,
  );
  expect(statusLines(run.lines, "busy")).toEqual([]);
  expect(storm().model.listActions()).toEqual([]);
  const servedDuringApply = storm().faults.served.length;
  // The storm passes; the verify that follows the apply meets a shorter one, within the client's retries.
  storm().faults.clear();

  const outcome = await run.done;
  expect(outcome.tenants.map((t) => [t.tenant, t.exitCode, t.error])).toEqual(NAMES.map((n) => [n, 0, undefined]));
  expect(outcome.exitCode).toBe(0);
  for (const name of NAMES) expect(statusLines(run.lines, name)).toEqual([expect.stringContaining(`${name}: runs the artifact (`)]);
  // The apply's 429s went to the provider (the client connects after apply), the last four to the client.
  expect(storm().faults.pending()).toBe(0);
  expect(storm().faults.served).toHaveLength(servedDuringApply + 4);
  expect(run.lines.filter((l) => /^busy: GET \/api\/v2\/\S+: 429 rate limited; retrying/.test(l))).toHaveLength(4);
  // Nobody else saw a 429.
  for (const name of ["calm-a", "calm-b"] as const) expect(tenants[name].requests.filter((r) => r.status === 429)).toEqual([]);
  await expectVerified(NAMES);
}, 360_000);

test("a storm that outlasts the client's retries fails that tenant alone, naming the command to run", async () => {
  setHandlerVariant("after-the-storm");
  const run = deployAll(() => storm().faults.add(rateLimited(100_000)));
  const outcome = await run.done;
  storm().faults.clear();

  const byName = Object.fromEntries(outcome.tenants.map((t) => [t.tenant, t]));
  expect(byName["calm-a"].exitCode).toBe(0);
  expect(byName["calm-b"].exitCode).toBe(0);
  expect(byName.busy.exitCode).toBe(1);
  expect(outcome.exitCode).toBe(1);
  expect(byName.busy.error).toContain("429");
  expect(byName.busy.error).toContain("npm run deploy -- busy");
  for (const name of NAMES) expect(statusLines(run.lines, name)).toHaveLength(1);
  expect(statusLines(run.lines, "busy")[0]).toContain("npm run deploy -- busy");
  await expectVerified(["calm-a", "calm-b"]);

  // Once the limit resets, the command it named converges.
  const rerun = await deployTenant({ ...opts(), tenant: "busy" });
  expect(rerun.error).toBeUndefined();
  expect(rerun.exitCode).toBe(0);
  await expectVerified(NAMES);
}, 360_000);
