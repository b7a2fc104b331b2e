/**
 * The users' CI/CD workflows (actionlint runs in actionlint.test.ts): the small scripts inside them
 * (matrix from tenants/, promotion order, TF_VAR_* export, local-backend guard) do what they say
 * when run the way GitHub runs them (`shell: node {0}`).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../../src/paths";
import { loadTenants } from "../../src/config/load-tenants";
import { terraformEnv } from "../../src/terraform/terraform-env";
import { tempDir } from "../support/temp-dir";

type Step = {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
};
type Job = {
  steps?: Step[];
  uses?: string;
  environment?: string;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  with?: Record<string, string>;
};
type Workflow = { on: Record<string, unknown>; jobs: Record<string, Job> };

const WORKFLOWS = join(REPO_ROOT, ".github", "workflows");
const workflow = (name: string): Workflow => parse(readFileSync(join(WORKFLOWS, name), "utf8")) as Workflow;
const step = (wf: string, job: string, id: string): Step => {
  const found = workflow(wf).jobs[job].steps!.find((s) => s.id === id || s.name === id);
  if (!found) throw new Error(`${wf}: no step ${id} in job ${job}`);
  return found;
};

/** Runs a `shell: node {0}` step in `cwd` with GitHub's output files; returns them. */
function runNodeStep(s: Step, cwd: string, env: Record<string, string> = {}) {
  expect(s.shell).toBe("node {0}");
  const dir = tempDir("workflow-step");
  const script = join(dir, "step.js");
  writeFileSync(script, s.run!);
  const files = { GITHUB_OUTPUT: join(dir, "output"), GITHUB_ENV: join(dir, "env") };
  for (const f of Object.values(files)) writeFileSync(f, "");
  const r = spawnSync(process.execPath, [script], { cwd, env: { PATH: process.env.PATH, ...files, ...env }, encoding: "utf8" });
  return {
    code: r.status,
    stderr: r.stderr,
    output: readFileSync(files.GITHUB_OUTPUT, "utf8"),
    env: readFileSync(files.GITHUB_ENV, "utf8"),
  };
}

/** Runs a `run:` step as GitHub's default shell does (`bash --noprofile --norc -eo pipefail {0}`). */
function runBashStep(s: Step, cwd: string, env: Record<string, string> = {}) {
  expect(s.shell).toBeUndefined();
  const dir = tempDir("workflow-step");
  const script = join(dir, "step.sh");
  writeFileSync(script, s.run!);
  const output = join(dir, "output");
  writeFileSync(output, "");
  const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], {
    cwd,
    env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, ...env },
    encoding: "utf8",
  });
  return { code: r.status, stderr: r.stderr, output: readFileSync(output, "utf8") };
}

const outputsOf = (text: string) =>
  Object.fromEntries(
    text
      .trim()
      .split("\n")
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );

test("no workflow reads tenant files itself: tenant lists come from npm run tenants (the validating loader)", () => {
  for (const file of readdirSync(WORKFLOWS)) {
    const text = readFileSync(join(WORKFLOWS, file), "utf8");
    expect([file, /(readdirSync|readFileSync)\(\s*[`"']tenants|\^domain:|\^promotes_from:|\byq\b/.test(text)]).toEqual([file, false]);
  }
});

test("the plan matrix has one entry per tenant file, the local tenant marked", () => {
  const r = runBashStep(step("plan.yml", "tenants", "list"), REPO_ROOT);
  expect([r.code, r.stderr]).toEqual([0, ""]);
  const outputs = outputsOf(r.output);
  const tenants = loadTenants(join(REPO_ROOT, "tenants"));
  expect(JSON.parse(outputs.matrix)).toEqual({
    include: tenants.map((t) => ({ tenant: t.name, localhost: t.domain.startsWith("localhost:") })),
  });
  expect(outputs.names).toBe(tenants.map((t) => t.name).join(","));
});

test("a tenant file the loader rejects stops the plan matrix, naming the file", () => {
  const dir = tempDir("tenants");
  writeFileSync(join(dir, "broken.yaml"), "domain: coop-dev.eu.auth0.com\nclaims: { namespace: '', id_token: [roles] }\n");
  const r = runBashStep(step("plan.yml", "tenants", "list"), REPO_ROOT, { TENANTS_DIR: dir });
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain("broken.yaml: claims.id_token[0]");
  expect(r.output).toBe("");
});

test("the drift matrix leaves out tenants CI cannot reach (localhost)", () => {
  const r = runBashStep(step("drift.yml", "tenants", "list"), REPO_ROOT);
  const matrix = JSON.parse(outputsOf(r.output).matrix);
  const reachable = loadTenants(join(REPO_ROOT, "tenants")).filter((t) => !t.domain.startsWith("localhost:"));
  expect(matrix).toEqual({ include: reachable.map((t) => ({ tenant: t.name })) });
});

test("promotion reads its order from the tenant files and refuses a tenant without one, naming the targets", () => {
  const s = step("promote.yml", "order", "from");
  const tenants = loadTenants(join(REPO_ROOT, "tenants"));
  const targets = tenants.filter((t) => t.promotes_from).map((t) => t.name);
  expect(targets.length).toBeGreaterThan(0);
  for (const to of [...tenants.map((t) => t.name), "no-such-tenant"]) {
    const from = tenants.find((t) => t.name === to)?.promotes_from;
    const r = runBashStep(s, REPO_ROOT, { TO: to });
    if (from) expect([r.code, r.output]).toEqual([0, `from=${from}\n`]);
    else
      expect([r.code, r.stderr]).toEqual([
        1,
        `"${to}" is not a promotion target: no tenant file of that name declares promotes_from. Targets: ${targets.join(", ")}\n`,
      ]);
  }
});

test("deploys export only TF_VAR_* environment secrets, multi-line values intact", () => {
  const s = step("deploy-tenant.yml", "deploy", "Action secrets (environment secrets named TF_VAR_*)");
  const r = runNodeStep(s, REPO_ROOT, {
    ENVIRONMENT_SECRETS: JSON.stringify({ TF_VAR_API_KEY: "line 1\nline 2", AUTH0_CLIENT_SECRET: "not exported" }),
  });
  expect(r.code).toBe(0);
  expect(r.env).toMatch(/^TF_VAR_API_KEY<<(END_[0-9a-f]{32})\nline 1\nline 2\n\1\n$/);
});

test("pull-request plans and drift checks never receive secret values: they plan with placeholders", () => {
  for (const file of ["plan.yml", "drift.yml"]) {
    const text = readFileSync(join(REPO_ROOT, ".github", "workflows", file), "utf8");
    expect(text).not.toContain("ENVIRONMENT_SECRETS");
    expect(text).not.toMatch(/secrets\.TF_VAR_|toJSON\(secrets\)/);
    expect(text).toContain("--placeholder-secrets");
  }
});

test("deploys refuse a tenant whose state would live on the runner (local backend)", () => {
  const cwd = tempDir("deploy-guard");
  const stack = (name: string, backend: object) => {
    mkdirSync(join(cwd, "cdktf.out", "stacks", name), { recursive: true });
    writeFileSync(join(cwd, "cdktf.out", "stacks", name, "cdk.tf.json"), JSON.stringify({ terraform: { backend } }));
  };
  stack("dev", { local: { path: "../../../state/dev.tfstate" } });
  stack("prod", { s3: { bucket: "b", key: "k", region: "eu-west-1" } });
  const guard = step("deploy-tenant.yml", "deploy", "Refuse a local backend");
  expect(runNodeStep(guard, cwd, { TENANT: "dev" })).toMatchObject({
    code: 1,
    stderr: expect.stringContaining("tenants/dev.yaml uses a local state backend"),
  });
  expect(runNodeStep(guard, cwd, { TENANT: "prod" }).code).toBe(0);
});

test("every job that runs Terraform uses Node 20, builds the provider mirror with Go and pins Terraform", () => {
  const checked: string[] = [];
  for (const file of readdirSync(WORKFLOWS)) {
    for (const [name, job] of Object.entries(workflow(file).jobs)) {
      const steps = job.steps ?? [];
      if (!steps.some((s) => /npm run --silent (plan|drift|promote)|terraform -chdir/.test(s.run ?? ""))) continue;
      const uses = (action: string) => steps.find((s) => s.uses?.startsWith(action));
      expect([file, name, uses("actions/setup-node")?.with?.["node-version"]]).toEqual([file, name, 20]);
      expect(uses("actions/setup-go")).toBeDefined();
      expect(uses("hashicorp/setup-terraform")?.with).toMatchObject({ terraform_version: "1.11.4", terraform_wrapper: false });
      expect(steps.some((s) => s.run === "scripts/provider-mirror.sh")).toBe(true);
      checked.push(`${file}:${name}`);
    }
  }
  expect(checked.sort()).toEqual(["deploy-tenant.yml:deploy", "drift.yml:drift", "plan.yml:plan"]);
});

test("deploys: per-tenant concurrency and environment, the same commit's artifact, promotion through the gate", () => {
  const deploy = workflow("deploy-tenant.yml").jobs.deploy;
  expect(deploy.environment).toBe("${{ inputs.tenant }}");
  expect(deploy.concurrency).toEqual({ group: "auth0-tenant-${{ inputs.tenant }}", "cancel-in-progress": false });
  expect(deploy.steps!.find((s) => s.uses?.startsWith("actions/download-artifact"))?.with).toEqual({
    name: "${{ inputs.artifact }}",
    path: "cdktf.out",
  });
  expect(
    step("deploy-tenant.yml", "deploy", "Promote (gate on what the from tenant runs, then npm run deploy's apply + verify + repair)").run,
  ).toBe('npm run --silent promote -- "$FROM" "$TENANT" --artifact cdktf.out');
  // Not plain terraform apply: npm run deploy verifies the deployed versions and repairs drafts and orphans.
  expect(step("deploy-tenant.yml", "deploy", "Deploy (terraform apply, then verify and repair through the Management API)").run).toBe(
    'npm run --silent deploy -- "$TENANT" --artifact cdktf.out',
  );

  const onMerge = workflow("deploy.yml");
  expect(onMerge.on).toEqual({ push: { branches: ["main"] } });
  expect(onMerge.jobs.dev).toMatchObject({
    uses: "./.github/workflows/deploy-tenant.yml",
    with: { tenant: "dev", artifact: "${{ needs.synth.outputs.artifact }}" },
  });

  const promotion = workflow("promote.yml");
  expect(Object.keys(promotion.on)).toEqual(["workflow_dispatch"]);
  expect(promotion.jobs.promote.with).toEqual({
    tenant: "${{ inputs.to }}",
    "promote-from": "${{ needs.order.outputs.from }}",
    artifact: "${{ needs.synth.outputs.artifact }}",
  });
});

test("the pull-request comment is composed by the plan command and found again by its marker", () => {
  const compose = step("plan.yml", "comment", "Compose the comment");
  expect(compose.run).toBe('npx tsx scripts/plan.ts --comment reviews --tenants "$TENANTS" > comment.md');
  const post = step("plan.yml", "comment", "Post or update the comment");
  expect(post.with?.script).toContain("updateComment");
  expect(post.with?.script).toContain('const marker = body.split("\\n")[0];');
});

test("no secret reaches a CI log: workflows run Terraform only through the project's commands, never with debug logging", () => {
  for (const file of readdirSync(WORKFLOWS)) {
    const text = readFileSync(join(WORKFLOWS, file), "utf8");
    expect([file, /TF_LOG/.test(text)]).toEqual([file, false]);
    for (const [job, { steps = [] }] of Object.entries(workflow(file).jobs)) {
      for (const s of steps) {
        // Commands only: comment lines may name Terraform.
        const commands = (s.run ?? "").split("\n").filter((line) => !line.trim().startsWith("#"));
        expect([file, job, s.name ?? s.run, commands.filter((line) => /(^|[\s;&|(])terraform\s/.test(line))]).toEqual([
          file,
          job,
          s.name ?? s.run,
          [],
        ]);
      }
    }
  }
});

test("the project's Terraform runner drops TF_LOG* from the caller's environment (provider debug logs print request bodies)", () => {
  const env = terraformEnv(
    {},
    { PATH: "/usr/bin", TF_LOG: "DEBUG", TF_LOG_PROVIDER: "TRACE", TF_LOG_PATH: "/tmp/tf.log", TF_VAR_API_KEY: "kept" },
  );
  expect(Object.keys(env).filter((name) => name.startsWith("TF_LOG"))).toEqual([]);
  expect(env.TF_VAR_API_KEY).toBe("kept");
});
