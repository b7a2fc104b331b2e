/**
 * No secret ever shows. Canary values go into the credentials (AUTH0_CLIENT_SECRET, then
 * AUTH0_API_TOKEN: the provider refuses both at once) and into an Action secret read from the
 * environment (TF_VAR_CANARY_API_KEY); then every review, log line, snapshot, synthesized file
 * and the plan JSON itself is searched for them. Then redaction by value: a deploy whose Terraform
 * prints the client secret, a TF_VAR_ value and PG_CONN_STR's password (raw, URL-encoded,
 * JSON-escaped) and fails leaves none in its logs, report, stdout, stderr or any file.
 */
jest.mock("../../src/bundle/bundle-action", () => jest.requireActual("../support/plan/extra-handler").bundleModuleWithExtraHandler());

import { spawnSync } from "node:child_process";
import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../src/paths";
import type { Tenant } from "../../src/config/load-tenants";
import { driftTenants } from "../../src/drift/run-drift";
import { explainFailure, savedPlan, terraformInit, terraformProcessEnv } from "../../src/terraform/commands";
import { planTenants } from "../../src/plan/run-plan";
import { deployTenant } from "../../src/deploy/run-deploy";
import { createRedactor, REDACTED } from "../../src/terraform/redaction";
import { openStackWorkdir } from "../../src/terraform/workdir";
import { EXTRA_HANDLER, tenantFromYaml } from "../support/plan/extra-handler";
import { makeWorkspace, normalizeReview, NO_SOURCE_CHANGES, testEnv, removeWorkspaces, type Workspace } from "../support/plan/workspace";

afterAll(removeWorkspaces);

const CANARY = {
  clientSecret: "canary-client-secret-5b1f0c2e",
  apiToken: "canary-api-token-93e2aa71",
  actionSecret: "canary-action-secret-d47c1908",
};
const CANARIES = Object.values(CANARY);

const CANARY_TENANT = `domain: canary.eu.auth0.com
claims:
  namespace: "https://claims.example.com"
  id_token: [usertype]
actions:
  - handler: ${EXTRA_HANDLER}
    name: Canary check
    secrets:
      API_KEY: { env: CANARY_API_KEY }
`;

let ws: Workspace;
let tenants: Tenant[];
const logs: string[] = [];
const texts: Array<[string, string]> = [];

const withClientSecret = () =>
  testEnv({ AUTH0_CLIENT_ID: "canary-client", AUTH0_CLIENT_SECRET: CANARY.clientSecret, TF_VAR_CANARY_API_KEY: CANARY.actionSecret });
const withApiToken = () => testEnv({ AUTH0_API_TOKEN: CANARY.apiToken, TF_VAR_CANARY_API_KEY: CANARY.actionSecret });

/** Every file under `dir` except Terraform's provider cache (a symlink to the mirror's binary). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === ".terraform") return [];
    const stat = lstatSync(path);
    return stat.isDirectory() ? filesUnder(path) : stat.isFile() ? [path] : [];
  });
}

function expectNoCanary(label: string, text: string): void {
  for (const canary of CANARIES) {
    if (text.includes(canary)) throw new Error(`${label} contains the canary secret ${canary}`);
  }
}

beforeAll(async () => {
  ws = makeWorkspace({});
  tenants = [tenantFromYaml("canary", CANARY_TENANT)];
  const options = {
    selection: ["canary"],
    tenants,
    tenantsDir: ws.tenantsDir,
    outdir: ws.outdir,
    localStateDir: ws.stateDir,
    changedSources: NO_SOURCE_CHANGES,
  };
  for (const env of [withClientSecret(), withApiToken()]) {
    const outcome = await planTenants({ ...options, env, log: (l) => logs.push(l) });
    expect(outcome.tenants.map((t) => [t.exitCode, t.error])).toEqual([[2, undefined]]);
    texts.push(["plan review", outcome.tenants[0].markdown]);
  }
  const drift = await driftTenants({ ...options, env: withApiToken(), log: (l) => logs.push(l) });
  expect(drift.tenants.map((t) => [t.exitCode, t.error])).toEqual([[0, undefined]]);
  texts.push(["drift report", drift.tenants[0].markdown]);
});

test("the Action secret's value is required (so the canary really reached Terraform)", async () => {
  const outcome = await planTenants({
    selection: ["canary"],
    tenants,
    tenantsDir: ws.tenantsDir,
    outdir: join(ws.root, "without-secret"),
    env: testEnv({ AUTH0_API_TOKEN: CANARY.apiToken }),
    localStateDir: ws.stateDir,
    changedSources: NO_SOURCE_CHANGES,
  });
  expect(outcome.exitCode).toBe(1);
  expect(outcome.error).toContain("tenants/canary.yaml: TF_VAR_CANARY_API_KEY");
});

test("--placeholder-secrets plans without any secret value, and the review is the same as with the real one", async () => {
  const outcome = await planTenants({
    selection: ["canary"],
    tenants,
    tenantsDir: ws.tenantsDir,
    outdir: join(ws.root, "placeholder-secrets"),
    env: testEnv({ AUTH0_API_TOKEN: CANARY.apiToken }),
    localStateDir: ws.stateDir,
    changedSources: NO_SOURCE_CHANGES,
    placeholderSecrets: true,
  });
  expect(outcome.tenants.map((t) => [t.exitCode, t.error])).toEqual([[2, undefined]]);
  expect(normalizeReview(outcome.tenants[0].markdown)).toBe(normalizeReview(texts[0][1]));
});

test("the review names the secret and shows its value as write-only", () => {
  const [, review] = texts[0];
  expect(review).toContain('{ name = `"API_KEY"`, value = (write-only attribute) }');
  expect(normalizeReview(review)).toMatchSnapshot();
});

test("no canary in any review, log line or drift report", () => {
  expect(logs.length).toBeGreaterThan(0);
  for (const [label, text] of texts) expectNoCanary(label, text);
  expectNoCanary("progress log", logs.join("\n"));
});

test("no canary in any file written: synthesized stacks, reviews, state, lock files", () => {
  const files = filesUnder(ws.root);
  expect(files.some((f) => f.endsWith("cdk.tf.json"))).toBe(true);
  expect(files.some((f) => f.endsWith("canary.md"))).toBe(true);
  for (const file of files) expectNoCanary(file, readFileSync(file, "latin1"));
});

test("no canary in committed snapshots", () => {
  const dir = join(__dirname, "__snapshots__");
  for (const file of readdirSync(dir)) expectNoCanary(file, readFileSync(join(dir, file), "utf8"));
});

test("no canary in the plan JSON the review is built from: ephemeral variables stay out of plans", async () => {
  const env = terraformProcessEnv(withApiToken());
  const workdir = openStackWorkdir(join(ws.outdir, "stacks", "canary"), "canary", { localStateDir: ws.stateDir });
  try {
    await terraformInit(workdir.dir, env);
    const { plan } = await savedPlan(workdir.dir, [], env);
    expect(JSON.stringify(plan)).toContain("API_KEY");
    expectNoCanary("plan JSON", JSON.stringify(plan));
  } finally {
    workdir.dispose();
  }
});

test("terraform errors relayed to the user are scrubbed of secret values", () => {
  const stderr = `Error: Invalid provider configuration\n\nclient_secret "${CANARY.clientSecret}" was rejected; token ${CANARY.apiToken}`;
  const message = explainFailure("terraform plan", { code: 1, stdout: "", stderr }, withClientSecret());
  expect(message).toContain("Invalid provider configuration");
  expect(message).toContain("(redacted)");
  expect(message).not.toContain(CANARY.clientSecret);
});

test("the plan command's own output (stdout and stderr) carries no canary, also when Terraform fails", () => {
  const cliWorkspace = makeWorkspace({ dev: readFileSync(join(REPO_ROOT, "tenants", "dev.yaml"), "utf8") });
  const run = (env: NodeJS.ProcessEnv) =>
    spawnSync(
      join(REPO_ROOT, "node_modules", ".bin", "tsx"),
      [
        "scripts/plan.ts",
        "dev",
        "--outdir",
        cliWorkspace.outdir,
        "--tenants-dir",
        cliWorkspace.tenantsDir,
        "--local-state",
        cliWorkspace.stateDir,
      ],
      {
        cwd: REPO_ROOT,
        env,
        encoding: "utf8",
      },
    );
  const ok = run(withClientSecret());
  expect(ok.status).toBe(2);
  expect(ok.stdout).toContain("## Plan for tenant `dev`");
  // Both credentials at once: the provider refuses, and its error is relayed.
  const failed = run({ ...withClientSecret(), AUTH0_API_TOKEN: CANARY.apiToken });
  expect(failed.status).toBe(1);
  expect(failed.stderr).toContain("conflicts with api_token");
  for (const r of [ok, failed]) {
    expectNoCanary("plan stdout", r.stdout);
    expectNoCanary("plan stderr", r.stderr);
  }
  for (const file of filesUnder(cliWorkspace.root)) expectNoCanary(file, readFileSync(file, "latin1"));
});

describe("redaction by value", () => {
  // Characters that URL encoding and JSON escaping change, so each form is a different string.
  const LEAK = {
    clientSecret: 'leak-client/secret+7 "q" \\ 0c2e',
    actionSecret: "leak-action secret/key&d47c",
    pgPassword: "leak-pg pass/word%9a1",
  };
  const pgConn = `postgres://terraform:${encodeURIComponent(LEAK.pgPassword)}@127.0.0.1:5432/terraform?sslmode=disable`;
  const leakEnv = () =>
    testEnv({
      AUTH0_CLIENT_ID: "leak-test-client-id",
      AUTH0_CLIENT_SECRET: LEAK.clientSecret,
      TF_VAR_LEAK_API_KEY: LEAK.actionSecret,
      PG_CONN_STR: pgConn,
    });
  // Spelled out here, not taken from the redactor: the test must not share its idea of the forms.
  const forms = [...Object.values(LEAK), pgConn].flatMap((v) => [v, encodeURIComponent(v), JSON.stringify(v).slice(1, -1)]);

  function expectNoLeak(label: string, text: string): void {
    for (const form of forms) if (text.includes(form)) throw new Error(`${label} contains a secret value (${JSON.stringify(form)})`);
  }

  test("each value from the environment, URL-encoded and JSON-escaped, and the connection string's password alone", () => {
    const redact = createRedactor({
      ...leakEnv(),
      AWS_SECRET_ACCESS_KEY: "aws-secret-canary",
      TF_TOKEN_app_terraform_io: "tfc-token-canary",
    }).redact;
    for (const value of [...Object.values(LEAK), pgConn, "aws-secret-canary", "tfc-token-canary"]) {
      for (const form of [value, encodeURIComponent(value), JSON.stringify(value), JSON.stringify(JSON.stringify(value))])
        expect(redact(`before ${form} after`)).not.toContain(value.slice(0, 12));
    }
    expect(redact(`password authentication failed: "${LEAK.pgPassword}"`)).toBe(`password authentication failed: "${REDACTED}"`);
    expect(createRedactor({ PG_CONN_STR: "host=db user=tf password='s3cr3t pw' dbname=tf" }).redact("pw s3cr3t pw")).toBe(`pw ${REDACTED}`);
    // Identifiers stay readable (they make a credentials error actionable); short values are left alone.
    expect(redact("client leak-test-client-id")).toBe("client leak-test-client-id");
    expect(createRedactor({ TF_VAR_FLAG: "true" }).redact("enabled: true")).toBe("enabled: true");
  });

  test("deploy: Terraform prints every secret value (raw and encoded) and fails; no file, log, report or stream holds one", async () => {
    const root = makeWorkspace({ leak: "domain: leak.invalid\nclaims:\n  namespace: ''\n  id_token: [usertype]\n" });
    // An artifact whose apply prints the values the way a careless provider or backend would, then fails.
    const script = [
      "const e = process.env;",
      "const values = [e.AUTH0_CLIENT_SECRET, e.TF_VAR_LEAK_API_KEY, e.PG_CONN_STR, decodeURIComponent(new URL(e.PG_CONN_STR).password)];",
      "for (const v of values) { console.log('raw ' + v); console.log('url ' + encodeURIComponent(v)); console.log('json ' + JSON.stringify(v)); }",
      "process.exit(1);",
    ].join(" ");
    const stack = {
      terraform: { required_version: ">= 1.11" },
      resource: {
        terraform_data: {
          leak: {
            provisioner: [{ "local-exec": { command: `"${process.execPath}" -e "$LEAK_SCRIPT"`, environment: { LEAK_SCRIPT: script } } }],
          },
        },
      },
    };
    const artifact = join(root.root, "artifact");
    mkdirSync(join(artifact, "stacks", "leak"), { recursive: true });
    writeFileSync(join(artifact, "stacks", "leak", "cdk.tf.json"), JSON.stringify(stack, null, 2));
    const common = ["--tenants-dir", root.tenantsDir, "--local-state", root.stateDir, "--artifact", artifact];

    const logs: string[] = [];
    const inProcess = await deployTenant({
      tenant: "leak",
      tenantsDir: root.tenantsDir,
      localStateDir: root.stateDir,
      artifactDir: artifact,
      env: leakEnv(),
      api: { retries: 0 },
      log: (l) => logs.push(l),
    });
    expect(inProcess.exitCode).toBe(1);
    // Terraform did print them: the apply's output lines arrive redacted.
    expect(logs.filter((l) => l.includes(`raw ${REDACTED}`)).length).toBeGreaterThanOrEqual(4);
    expect(inProcess.error).toContain("local-exec");
    expectNoLeak("deploy log", logs.join("\n"));
    expectNoLeak("deploy error", inProcess.error ?? "");
    expectNoLeak("deploy report", inProcess.markdown);

    const cli = spawnSync(join(REPO_ROOT, "node_modules", ".bin", "tsx"), ["scripts/deploy.ts", "leak", ...common], {
      cwd: REPO_ROOT,
      env: leakEnv(),
      encoding: "utf8",
    });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(`raw ${REDACTED}`);
    expectNoLeak("deploy stdout", cli.stdout);
    expectNoLeak("deploy stderr", cli.stderr);
    for (const file of filesUnder(root.root)) expectNoLeak(file, readFileSync(file, "utf8"));
  });
});
