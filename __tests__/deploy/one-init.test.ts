/**
 * One tenant session per command: plan, drift, verify, deploy and promote each run `terraform init`
 * once per tenant, whatever else they do on it (a plan and the deployed-version check, an apply and
 * two verifies, the upstream tenant's state and the downstream deploy). Counted by putting a
 * `terraform` on PATH that records each call and runs the real one.
 */
jest.mock("../../src/bundle/bundle-action", () => jest.requireActual("../support/deploy").bundleModuleWithVariant());

import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deployTenant } from "../../src/deploy/run-deploy";
import { driftTenants } from "../../src/drift/run-drift";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { planTenants } from "../../src/plan/run-plan";
import { promote } from "../../src/promote/promote";
import { verifyTenants } from "../../src/verify/run-verify";
import { makeWorkspace, tenantEnv, writeTenantFile, type Workspace } from "../support/deploy";
import { tempDir } from "../support/temp-dir";

const API = { retries: 8, minBackoffMs: 50 };
let up: LocalTenant;
let down: LocalTenant;
let ws: Workspace;
let pluginCache: string;
let shimPath: string;
let callLog: string;

beforeAll(async () => {
  up = await startLocalTenant({ stateDir: tempDir("one-init-up"), port: 0 });
  down = await startLocalTenant({ stateDir: tempDir("one-init-down"), port: 0 });
  ws = makeWorkspace("one-init");
  writeTenantFile(ws, "up", up.domain, ["backend:", "  type: local", "  path: state/up.tfstate"]);
  writeTenantFile(ws, "down", down.domain, ["promotes_from: up", "backend:", "  type: local", "  path: state/down.tfstate"]);
  pluginCache = tempDir("one-init-plugins");

  const shimDir = tempDir("terraform-shim");
  callLog = join(shimDir, "calls.log");
  const real = execFileSync("sh", ["-c", "command -v terraform"], { encoding: "utf8" }).trim();
  writeFileSync(join(shimDir, "terraform"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${callLog}'\nexec '${real}' "$@"\n`);
  chmodSync(join(shimDir, "terraform"), 0o755);
  shimPath = shimDir;
});

afterAll(async () => {
  await up?.close();
  await down?.close();
});

/** A tenant's CI environment, with the recording terraform first on PATH. */
function envFor(tenant: LocalTenant, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const base = tenantEnv(tenant, pluginCache);
  return { ...base, ...extra, PATH: `${shimPath}:${base.PATH ?? ""}` };
}

/** The terraform subcommands run since the last call, as "<tenant> <subcommand>". */
function callsSince(offset: number): string[] {
  return readCallLog()
    .slice(offset)
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [chdir, subcommand] = line.split(" ");
      // The workdir is the stack directory, cdktf.out/stacks/<tenant>.
      return `${chdir.split("/").at(-1)} ${subcommand}`;
    });
}

function readCallLog(): string {
  return existsSync(callLog) ? readFileSync(callLog, "utf8") : "";
}

async function inits(command: () => Promise<unknown>): Promise<string[]> {
  const offset = readCallLog().length;
  await command();
  return callsSince(offset).filter((call) => call.endsWith(" init"));
}

const opts = (tenant: LocalTenant = up) => ({ tenantsDir: ws.tenantsDir, outdir: ws.outdir, env: envFor(tenant), api: API });

test("deploy: apply, verify, repair and the second verify share one init", async () => {
  let exitCode: number | undefined;
  const calls = await inits(async () => (exitCode = (await deployTenant({ ...opts(), tenant: "up" })).exitCode));
  expect(exitCode).toBe(0);
  expect(calls).toEqual(["up init"]);
});

test("plan (with its deployed-version check), drift and verify: one init each", async () => {
  const changedSources = { known: true as const, base: "main", files: [] };
  let planned: number | undefined;
  const plan = await inits(async () => (planned = (await planTenants({ ...opts(), selection: ["up"], changedSources })).exitCode));
  expect(planned).toBe(0);
  expect(plan).toEqual(["up init"]);
  expect(await inits(() => driftTenants({ ...opts(), selection: ["up"] }))).toEqual(["up init"]);
  expect(await inits(() => verifyTenants({ ...opts(), selection: ["up"] }))).toEqual(["up init"]);
});

test("promote: one init for the upstream tenant's state, one for the downstream deploy", async () => {
  const env = envFor(down, {
    FROM_AUTH0_CLIENT_ID: up.clientId,
    FROM_AUTH0_CLIENT_SECRET: up.clientSecret,
    FROM_SSL_CERT_FILE: up.caBundleFile,
  });
  let message = "";
  let exitCode: number | undefined;
  const calls = await inits(async () => {
    ({ exitCode, message } = await promote({ ...opts(), env, from: "up", to: "down" }));
  });
  expect(message).toMatch(/^promoted up → down/);
  expect(exitCode).toBe(0);
  expect(calls.sort()).toEqual(["down init", "up init"]);
});
