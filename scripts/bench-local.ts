/**
 * `npm run bench:local`: how long the local tenant's main paths take on this machine.
 *   1. `npm start` end to end, as a user runs it (the repository's own state: warm after the first run);
 *   2. a first deploy to an empty local tenant (start, synth, init, apply, login, verify) in a temp dir;
 *   3. terraform apply of 1 stack, and of 10 stacks (10 local tenants), sequentially and all at once;
 *   4. login latency through the local tenant (HTTPS, post-login flow, signing), over many logins.
 * Prints a Markdown table on stdout (progress on stderr). Not a test: numbers depend on the machine.
 *   --runs <n>     npm start runs (default 3)     --logins <n>   logins measured (default 200)
 */
import { spawn } from "node:child_process";
import { cpus } from "node:os";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT } from "../src/paths";
import { parseTenantFile, type Tenant } from "../src/config/load-tenants";
import { requestJson } from "../src/local-run/client";
import { localTerraformEnv, stackRunner } from "../src/local-run/deploy";
import { deployAndLogin } from "../src/local-run/main-job";
import { startLocalTenant, type LocalTenant } from "../src/local-tenant/server";
import { synthTenants } from "../src/synth/synth-tenants";
import { errorReport } from "../src/errors";

const progress = (line: string) => process.stderr.write(`bench:local: ${line}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: "string", default: "3" }, logins: { type: "string", default: "200" } },
    strict: true,
  });
  const runs = Number(values.runs);
  const logins = Number(values.logins);
  const pluginCache = join(tmpdir(), "local-tenant-tf-plugin-cache");
  mkdirSync(pluginCache, { recursive: true });
  const rows: Array<[string, string]> = [];

  progress(`npm start x${runs}`);
  const starts: number[] = [];
  for (let i = 0; i < runs; i++) starts.push(await timeCommand("npm", ["start", "--silent"]));
  rows.push([`\`npm start\` end to end (warm: stack already applied; median of ${runs})`, seconds(median(starts))]);

  progress("first deploy to an empty tenant");
  const first = await firstDeploy(pluginCache);
  rows.push(["first deploy to an empty local tenant: start + synth + init + apply + login + verify", seconds(first.total)]);
  rows.push(["  of which `terraform apply` (create, build, deploy, bind)", seconds(first.timings["terraform apply"])]);

  progress("apply of 1 and of 10 stacks");
  const applies = await applyTimes(pluginCache);
  rows.push(["`terraform apply` of 1 stack (create + deploy + bind)", seconds(applies.one)]);
  rows.push(["`terraform apply` of 10 stacks, one after another (total)", seconds(applies.tenSequential)]);
  rows.push(["`terraform apply` of 10 stacks, all at once (wall clock)", seconds(applies.tenParallel)]);

  progress(`${logins} logins`);
  const latency = await loginLatency(logins);
  rows.push([`login latency (HTTPS + post-login flow + RS256 signing), median of ${logins}`, `${latency.p50.toFixed(1)} ms`]);
  rows.push([`login latency, 95th percentile of ${logins}`, `${latency.p95.toFixed(1)} ms`]);

  const cpu = cpus();
  process.stdout.write(
    `Measured on ${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.\n\n`,
  );
  process.stdout.write("| What | Time |\n|---|---|\n");
  for (const [what, time] of rows) process.stdout.write(`| ${what} | ${time} |\n`);
}

function timeCommand(command: string, args: string[]): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err = (err + d).slice(-4000)));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolvePromise(performance.now() - started)
        : reject(new Error(`${command} ${args.join(" ")} failed (${code}):\n${err}`)),
    );
  });
}

async function firstDeploy(pluginCache: string): Promise<{ total: number; timings: Record<string, number> }> {
  const root = mkdtempSync(join(tmpdir(), "bench-local-first-"));
  const port = await freePort();
  mkdirSync(join(root, "tenants"));
  writeFileSync(join(root, "tenants", "local.yaml"), tenantYaml(`localhost:${port}`, "local"));
  const started = performance.now();
  const { timings } = await deployAndLogin({
    tenantsDir: join(root, "tenants"),
    outdir: join(root, "cdktf.out"),
    stateDir: join(root, "tenant"),
    terraformEnv: { TF_PLUGIN_CACHE_DIR: pluginCache },
  });
  return { total: performance.now() - started, timings };
}

async function applyTimes(pluginCache: string): Promise<{ one: number; tenSequential: number; tenParallel: number }> {
  const measure = async (count: number, parallel: boolean): Promise<number> => {
    const root = mkdtempSync(join(tmpdir(), `bench-local-apply-${count}-`));
    const tenants: LocalTenant[] = [];
    try {
      for (let i = 0; i < count; i++) tenants.push(await startLocalTenant({ stateDir: join(root, `tenant-${i}`), port: 0 }));
      const configs = tenants.map((t, i) => tenantOf(`bench-${i}`, t.domain));
      const stacks = synthTenants(configs, join(root, "cdktf.out"));
      const runners = stacks.map((s, i) => stackRunner(s.dir, localTerraformEnv(tenants[i], { TF_PLUGIN_CACHE_DIR: pluginCache })));
      // Init is not part of the apply time (it runs once per checkout, not per deploy).
      for (const r of runners) await r.init();
      const started = performance.now();
      if (parallel) await Promise.all(runners.map((r) => r.apply()));
      else for (const r of runners) await r.apply();
      return performance.now() - started;
    } finally {
      await Promise.all(tenants.map((t) => t.close()));
    }
  };
  return { one: await measure(1, false), tenSequential: await measure(10, false), tenParallel: await measure(10, true) };
}

async function loginLatency(count: number): Promise<{ p50: number; p95: number }> {
  const root = mkdtempSync(join(tmpdir(), "bench-local-login-"));
  const tenant = await startLocalTenant({ stateDir: join(root, "tenant"), port: 0 });
  try {
    const [stack] = synthTenants([tenantOf("login", tenant.domain)], join(root, "cdktf.out"));
    const terraform = stackRunner(stack.dir, localTerraformEnv(tenant));
    await terraform.init();
    await terraform.apply();
    const login = () => requestJson(`${tenant.url}/local/login`, { method: "POST", body: { user: "kazuyuki" }, ca: tenant.caPem });
    for (let i = 0; i < 10; i++) await login(); // warm-up: JIT, TLS session cache
    const samples: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      const res = await login();
      samples.push(performance.now() - started);
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    }
    samples.sort((a, b) => a - b);
    return { p50: samples[Math.floor(count * 0.5)], p95: samples[Math.min(count - 1, Math.floor(count * 0.95))] };
  } finally {
    await tenant.close();
  }
}

function tenantYaml(domain: string, name: string): string {
  return [
    `domain: ${domain}`,
    "claims:",
    '  namespace: ""',
    "  id_token: [usertype, coops, coopnames]",
    "flows: { post-login: { mode: authoritative, actions: [{ handler: add-metadata-claims }] } }",
    "backend:",
    "  type: local",
    `  path: state/${name}.tfstate`,
    "",
  ].join("\n");
}

function tenantOf(name: string, domain: string): Tenant {
  const parsed = parseTenantFile(`${name}.yaml`, tenantYaml(domain, name));
  if ("problems" in parsed) throw new Error(JSON.stringify(parsed.problems));
  return { ...parsed.tenant, name, file: `${name}.yaml` };
}

async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolvePromise) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePromise(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (ms: number | undefined) => (ms === undefined ? "n/a" : `${(ms / 1000).toFixed(2)} s`);

main().catch((error: unknown) => {
  process.stderr.write(`bench:local: ${errorReport(error)}\n`);
  process.exit(1);
});
