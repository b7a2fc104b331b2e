/**
 * `npm run deploy` itself killed at moments spread over a whole run, not only Terraform at chosen
 * requests (kill-faults.test.ts): the command's process group (node, Terraform, the provider) gets
 * SIGKILL while it synthesizes, initialises, applies, waits for a build, deploys or verifies.
 * Whatever the moment, running the same command again converges: exit 0, verify exits 0, one
 * claims Action, bound once, and a login gets the claims the tenant file now asks for.
 *
 * The moments are fractions of an uninterrupted deploy measured first on this machine, so they
 * land in the same phases on a fast or a loaded runner. The state lives in PostgreSQL (the pg
 * backend), which commits a state write in one transaction, so a kill can land anywhere.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_CLAIMS_ACTION_NAME } from "../../src/config/claims-settings";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { REPO_ROOT } from "../../src/paths";
import { verifyTenants } from "../../src/verify/run-verify";
import { makeWorkspace, tenantEnv, type Workspace } from "../support/deploy";
import { loginClaims } from "../support/local-tenant";
import { freePort, startPostgres, type Postgres } from "../support/postgres";
import { tempDir } from "../support/temp-dir";

const CLAIMS_ACTION = DEFAULT_CLAIMS_ACTION_NAME;
/** The claim sets the rounds alternate between: each round is a real change (the Action's settings). */
const CLAIM_SETS = [["usertype", "coops", "coopnames"], ["usertype"]];
/** Where in an uninterrupted deploy's duration each kill lands. */
const KILL_AT = [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95];

let pg: Postgres;
let tenant: LocalTenant;
let ws: Workspace;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  pg = startPostgres(await freePort());
  tenant = await startLocalTenant({ stateDir: tempDir("kill-anywhere-tenant"), port: 0, buildMs: 300 });
  ws = makeWorkspace("kill-anywhere");
  env = { ...tenantEnv(tenant, tempDir("kill-anywhere-plugin-cache")), PG_CONN_STR: pg.connStr };
});

afterAll(async () => {
  await tenant?.close();
  pg?.stop();
});

function writeTenantFile(claims: string[]): void {
  const text = [
    `domain: ${tenant.domain}`,
    "claims:",
    '  namespace: ""',
    `  id_token: [${claims.join(", ")}]`,
    "post_login_flow: append",
    "backend:",
    "  type: pg",
    "  schema_name: auth0_kill_anywhere",
    "",
  ].join("\n");
  writeFileSync(join(ws.tenantsDir, "dev.yaml"), text);
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** `npm run deploy -- dev` as a user runs it (without npm), in its own process group; killed after `killAfterMs`. */
function deploy(killAfterMs?: number): Promise<Run> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "scripts/deploy.ts", "dev", "--tenants-dir", ws.tenantsDir, "--outdir", ws.outdir],
    { cwd: REPO_ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => process.kill(-child.pid!, "SIGKILL"), killAfterMs);
  return new Promise((resolve) =>
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    }),
  );
}

async function customClaims(): Promise<string[]> {
  return Object.keys(await loginClaims(tenant))
    .filter((k) => k.startsWith("/"))
    .sort();
}

async function expectConverged(claims: string[]): Promise<void> {
  const verified = await verifyTenants({ tenantsDir: ws.tenantsDir, outdir: ws.outdir, env, selection: ["dev"] });
  expect(verified.tenants[0].result?.findings ?? verified.tenants[0]).toEqual([]);
  expect(verified.exitCode).toBe(0);
  const actions = tenant.model.listActions().filter((a) => a.name === CLAIMS_ACTION);
  expect(actions).toHaveLength(1);
  expect(tenant.model.getBindings("post-login").map((b) => b.action_id)).toEqual([actions[0].id]);
  expect(await customClaims()).toEqual(claims.map((c) => `/${c}`).sort());
}

let fullRunMs = 0;
/** Per kill: the last line the command printed before it died (the phase the kill landed in). */
const landedAfter: string[] = [];

afterAll(() => {
  process.stderr.write(
    `kill-anywhere: ${fullRunMs} ms uninterrupted; last line before each kill:\n${landedAfter.map((l) => `  ${l}`).join("\n")}\n`,
  );
});

test("an uninterrupted deploy, timed: the moments below are fractions of it", async () => {
  writeTenantFile(CLAIM_SETS[0]);
  const started = Date.now();
  const run = await deploy();
  fullRunMs = Date.now() - started;
  expect(run.output).not.toContain("Error");
  expect(run.code).toBe(0);
  await expectConverged(CLAIM_SETS[0]);
});

test.each(KILL_AT.map((at, i) => [at, i + 1]))(
  "killed at %p of a deploy, the same command run again converges (round %p)",
  async (at, round) => {
    const claims = CLAIM_SETS[round % CLAIM_SETS.length];
    writeTenantFile(claims);
    const killed = await deploy(Math.round(at * fullRunMs));
    expect(killed.signal === "SIGKILL" || killed.code === 0).toBe(true);
    landedAfter.push(
      `${at}: ${killed.signal ?? `exit ${killed.code}`} after "${killed.output.trim().split("\n").at(-1)?.slice(0, 100) ?? ""}"`,
    );

    const again = await deploy();
    expect(again.output).not.toContain("force-unlock");
    expect(again.code).toBe(0);
    await expectConverged(claims);
    // The tenant never refused a deletion of a bound Action.
    expect(tenant.requests.filter((r) => r.status === 409)).toEqual([]);
  },
);
