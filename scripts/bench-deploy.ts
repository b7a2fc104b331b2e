/**
 * `npm run bench:deploy`: what this repository's deploy and plan cost over plain Terraform, each
 * measured against its baseline in the same run (same machine, same load), with the real Terraform
 * and auth0 provider against local tenants (src/local-tenant), every tenant and state empty:
 *   a. deploy + verify of one tenant (deployTenant: synth, init, apply, verify) vs a bare
 *      `terraform init` + `terraform apply` of the same synthesized stack (init counted on both sides);
 *   b. `npm run plan -- <tenant>` (synth, init, plan, review, deployed-version check), as a user runs it,
 *      vs the manual `cdktf synth` + `terraform init` + `terraform plan`;
 *   c. the `plan --all` path for many generated tenants from empty local state (planTenants with the
 *      default concurrency), with where the time went (synth, init, plan + show + review).
 * Both sides of a pair run back to back in each round, alternating which goes first, after one untimed
 * round (module loading, page cache). No TF_PLUGIN_CACHE_DIR: `init` links the provider from the unpacked
 * mirror (.local/provider-mirror) either way, and a shared cache races when tenants init at once.
 * Prints Markdown on stdout, progress on stderr.
 * Not a test: the numbers depend on the machine and on whatever else runs on it.
 *
 *   npm run bench:deploy -- [--runs 3] [--tenants 100] [--only a,b,c]
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadTenants } from "../src/config/load-tenants";
import { deployTenant } from "../src/deploy/run-deploy";
import { localTerraformEnv, stackRunner } from "../src/local-run/deploy";
import { startLocalTenant, type LocalTenant } from "../src/local-tenant/server";
import { REPO_ROOT } from "../src/paths";
import { planTenants } from "../src/plan/run-plan";
import { DEFAULT_TENANT_CONCURRENCY } from "../src/terraform/session";
import { synthTenants } from "../src/synth/synth-tenants";
import { errorReport } from "../src/errors";

const progress = (line: string) => process.stderr.write(`bench:deploy: ${line}\n`);
const TENANT = "bench";
/** Management API retries as the deploy tests use them: the local tenant answers at once. */
const API = { retries: 8, minBackoffMs: 50 };

interface Workspace {
  root: string;
  tenantsDir: string;
  outdir: string;
  stateDir: string;
}

const workspaces: string[] = [];
const tenants: LocalTenant[] = [];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "3" },
      tenants: { type: "string", default: "100" },
      only: { type: "string", default: "a,b,c" },
    },
    strict: true,
  });
  const runs = Number(values.runs);
  const many = Number(values.tenants);
  const only = new Set(values.only.split(","));
  const loads: number[] = [];
  const sampleLoad = setInterval(() => loads.push(loadavg()[0]), 5000);
  const sections: string[] = [];

  try {
    if (only.has("a")) sections.push(await deployVsApply(runs));
    if (only.has("b")) sections.push(await planVsManual(runs));
    if (only.has("c")) sections.push(await planMany(many));
  } finally {
    clearInterval(sampleLoad);
    for (const tenant of tenants) await tenant.close();
    for (const root of workspaces) rmSync(root, { recursive: true, force: true });
  }

  const cpu = cpus();
  loads.sort((x, y) => x - y);
  const load =
    loads.length > 0 ? `load average ${loads[0].toFixed(1)}–${loads.at(-1)!.toFixed(1)} (median ${median(loads).toFixed(1)})` : "";
  process.stdout.write(
    `Measured on ${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, Node ${process.version}, ${load}, ${new Date().toISOString().slice(0, 10)}.\n\n`,
  );
  process.stdout.write(sections.join("\n"));
}

/** a. deployTenant vs terraform init + apply of the same stack, each against its own empty tenant. */
async function deployVsApply(runs: number): Promise<string> {
  const deploys: Array<{ total: number; steps: Record<string, number> }> = [];
  const bare: Array<{ total: number; apply: number }> = [];
  const deploy = async () => {
    const tenant = await emptyTenant();
    const ws = workspaceFor(tenant);
    const started = performance.now();
    const marks: Record<string, number> = {};
    const log = (line: string) => {
      const step = DEPLOY_STEPS.find(([, pattern]) => pattern.test(line))?.[0];
      if (step !== undefined) marks[step] ??= performance.now() - started;
    };
    const outcome = await deployTenant({
      tenant: TENANT,
      tenantsDir: ws.tenantsDir,
      outdir: ws.outdir,
      env: localTerraformEnv(tenant),
      api: API,
      log,
    });
    if (outcome.exitCode !== 0) throw new Error(`deploy failed (${outcome.exitCode}): ${outcome.error ?? outcome.markdown}`);
    return { total: performance.now() - started, steps: marks };
  };
  const initApply = async () => {
    const tenant = await emptyTenant();
    const ws = workspaceFor(tenant);
    const [stack] = synthTenants(loadTenants(ws.tenantsDir), ws.outdir);
    const terraform = stackRunner(stack.dir, localTerraformEnv(tenant));
    const started = performance.now();
    await terraform.init();
    const applyStarted = performance.now();
    await terraform.apply();
    return { total: performance.now() - started, apply: performance.now() - applyStarted };
  };
  progress("a: untimed round");
  await deploy();
  await initApply();
  for (let i = 0; i < runs; i++) {
    const sides = [
      async () => {
        progress(`a: deploy + verify, run ${i + 1}/${runs}`);
        deploys.push(await deploy());
      },
      async () => {
        progress(`a: terraform init + apply, run ${i + 1}/${runs}`);
        bare.push(await initApply());
      },
    ];
    for (const side of i % 2 === 0 ? sides : [...sides].reverse()) await side();
  }
  // The deploy's own steps, from its progress lines: each step lasts until the next one starts.
  const step = (from: string, to: string | undefined) =>
    median(deploys.map((d) => (to === undefined ? d.total : d.steps[to]) - d.steps[from]));
  const ours = median(deploys.map((d) => d.total));
  const theirs = median(bare.map((b) => b.total));
  return table(`a. deploy + verify of one tenant (median of ${runs}; init counted on both sides)`, "`npm run bench:deploy -- --only a`", [
    ["deploy + verify (`deployTenant`)", seconds(ours)],
    ["  synth (in process)", seconds(median(deploys.map((d) => d.steps.init)))],
    ["  `terraform init`", seconds(step("init", "apply"))],
    ["  `terraform apply`", seconds(step("apply", "state"))],
    ["  verify: Action ids from the state (`terraform show -json`)", seconds(step("state", "api"))],
    ["  verify: deployed versions and bindings (Management API)", seconds(step("api", undefined))],
    ["`terraform init` + `terraform apply` of the same synthesized stack", seconds(theirs)],
    ["  of which `terraform apply`", seconds(median(bare.map((b) => b.apply)))],
    ["ratio (target ≤ 1.3)", ratio(ours, theirs)],
  ]);
}

/** The deploy's progress lines that start each of its steps. */
const DEPLOY_STEPS: Array<[string, RegExp]> = [
  ["init", /: terraform init$/],
  ["apply", /: terraform apply$/],
  ["state", /: reading the state/],
  ["api", /: reading Actions and bindings/],
];

/** b. `npm run plan -- <tenant>` vs cdktf synth + terraform init + terraform plan, each from empty state. */
async function planVsManual(runs: number): Promise<string> {
  const plans: number[] = [];
  const manual: number[] = [];
  const manualSynth: number[] = [];
  for (let i = 0; i < runs; i++) {
    const tenant = await emptyTenant();
    const env = localTerraformEnv(tenant);
    const sides = [
      async () => {
        progress(`b: npm run plan, run ${i + 1}/${runs}`);
        const ws = workspaceFor(tenant);
        const args = ["run", "--silent", "plan", "--", TENANT, "--tenants-dir", ws.tenantsDir, "--outdir", ws.outdir];
        plans.push(await timeCommand("npm", args, env, [2]));
      },
      async () => {
        progress(`b: cdktf synth + terraform init + plan, run ${i + 1}/${runs}`);
        const ws = workspaceFor(tenant);
        const started = performance.now();
        await timeCommand("npx", ["cdktf", "synth", "--output", ws.outdir], { ...env, TENANTS_DIR: ws.tenantsDir });
        manualSynth.push(performance.now() - started);
        const terraform = stackRunner(join(ws.outdir, "stacks", TENANT), env);
        await terraform.init();
        await terraform.plan();
        manual.push(performance.now() - started);
      },
    ];
    for (const side of i % 2 === 0 ? sides : [...sides].reverse()) await side();
  }
  return table(`b. plan of one tenant from empty state, with its review (median of ${runs})`, "`npm run bench:deploy -- --only b`", [
    ["`npm run plan -- <tenant>` (synth, init, plan, review, deployed-version check)", seconds(median(plans))],
    ["`cdktf synth` + `terraform init` + `terraform plan`", seconds(median(manual))],
    ["  of which `cdktf synth`", seconds(median(manualSynth))],
    ["ratio (target ≤ 0.3)", ratio(median(plans), median(manual))],
  ]);
}

/**
 * c. The `plan --all` path for `count` generated tenants from empty local state (`--local-state`: no
 * tenant to read, so no deployed-version check; creation plans make no API call). The session's
 * progress lines say where each tenant's time went.
 */
async function planMany(count: number): Promise<string> {
  progress(`c: plan of ${count} tenants, concurrency ${DEFAULT_TENANT_CONCURRENCY}`);
  const ws = makeWorkspace();
  for (let n = 1; n <= count; n++) {
    const name = `t${String(n).padStart(3, "0")}`;
    writeTenantFile(ws, name, `${name}.bench.example.com`);
  }
  const env = localTerraformEnv({ caBundleFile: "", clientId: "bench-client-id", clientSecret: "bench-client-secret" });
  delete env.SSL_CERT_FILE;
  const marks = new Map<string, Record<string, number>>();
  let synthStarted = 0;
  const log = (line: string) => {
    const now = performance.now();
    if (line.startsWith("synthesizing")) synthStarted = now;
    const match = /^([^:]+): (terraform init|terraform plan|\d+ to add)/.exec(line);
    if (!match) return;
    const step = match[2].startsWith("terraform") ? match[2] : "done";
    marks.set(match[1], { ...marks.get(match[1]), [step]: now });
  };
  const started = performance.now();
  const outcome = await planTenants({
    selection: "all",
    tenantsDir: ws.tenantsDir,
    outdir: ws.outdir,
    env,
    localStateDir: ws.stateDir,
    log,
  });
  const total = performance.now() - started;
  if (outcome.exitCode !== 2 || outcome.tenants.some((t) => t.exitCode !== 2)) {
    throw new Error(`plan of ${count} tenants failed: ${outcome.error ?? outcome.tenants.find((t) => t.exitCode !== 2)?.error}`);
  }
  const steps = [...marks.values()];
  const firstInit = Math.min(...steps.map((m) => m["terraform init"]));
  const sum = (from: string, to: string) => steps.reduce((s, m) => s + (m[to] - m[from]), 0);
  const inits = sum("terraform init", "terraform plan");
  const planned = sum("terraform plan", "done");
  return table(
    `c. \`plan --all\` of ${count} generated tenants from empty state (1 run, concurrency ${DEFAULT_TENANT_CONCURRENCY})`,
    `\`npm run bench:deploy -- --only c --tenants ${count}\``,
    [
      ["wall clock, start to the last review (target ≤ 40 s)", seconds(total)],
      [`  synth of all ${count} stacks, once (before the first init)`, seconds(firstInit - synthStarted)],
      [`  \`terraform init\`, summed over tenants (mean per tenant)`, `${seconds(inits)} (${seconds(inits / count)})`],
      [`  \`terraform plan\` + \`show -json\` + review, summed (mean per tenant)`, `${seconds(planned)} (${seconds(planned / count)})`],
    ],
  );
}

async function emptyTenant(): Promise<LocalTenant> {
  const stateDir = mkdtempSync(join(tmpdir(), "bench-deploy-tenant-"));
  workspaces.push(stateDir);
  const tenant = await startLocalTenant({ stateDir, port: 0, dependencies: "syntax" });
  tenants.push(tenant);
  return tenant;
}

function makeWorkspace(): Workspace {
  const root = mkdtempSync(join(tmpdir(), "bench-deploy-"));
  workspaces.push(root);
  const ws = { root, tenantsDir: join(root, "tenants"), outdir: join(root, "cdktf.out"), stateDir: join(root, "state") };
  mkdirSync(ws.tenantsDir);
  mkdirSync(ws.stateDir);
  return ws;
}

/** A fresh workspace with one tenant file for `tenant`, its state empty. */
function workspaceFor(tenant: LocalTenant): Workspace {
  const ws = makeWorkspace();
  writeTenantFile(ws, TENANT, tenant.domain);
  return ws;
}

function writeTenantFile(ws: Workspace, name: string, domain: string): void {
  const text = [
    `domain: ${domain}`,
    "claims:",
    '  namespace: ""',
    "  id_token: [usertype, coops, coopnames]",
    "flows:",
    "  post-login:",
    "    mode: append",
    "    actions:",
    "      - handler: add-metadata-claims",
    "backend:",
    "  type: local",
    `  path: state/${name}.tfstate`,
    "",
  ].join("\n");
  writeFileSync(join(ws.tenantsDir, `${name}.yaml`), text);
}

function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv, okCodes: number[] = [0]): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err = (err + d).slice(-4000)));
    child.on("error", reject);
    child.on("close", (code) =>
      code !== null && okCodes.includes(code)
        ? resolvePromise(performance.now() - started)
        : reject(new Error(`${command} ${args.join(" ")} failed (${code}):\n${err}`)),
    );
  });
}

function table(title: string, command: string, rows: Array<[string, string]>): string {
  return [`${title}, ${command}:`, "", "| What | Time |", "|---|---|", ...rows.map(([what, time]) => `| ${what} | ${time} |`), ""].join(
    "\n",
  );
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const ratio = (ours: number, theirs: number) => (ours / theirs).toFixed(2);

main().catch((error: unknown) => {
  console.error(errorReport(error));
  process.exit(1);
});
