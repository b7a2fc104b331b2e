/**
 * The commands as users run them (npm run plan / drift / promote are `tsx scripts/<name>.ts`):
 * exit codes as terraform plan -detailed-exitcode, and a clear message on each kind of error.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../src/paths";
import { loadTenants } from "../../src/config/load-tenants";
import { synthTenants } from "../../src/synth/synth-tenants";
import { synthesizedActions } from "../support/plan/stack";
import { actionResource, bindingResource, writeState } from "../support/plan/state";
import { makeWorkspace, testEnv, removeWorkspaces, type Workspace } from "../support/plan/workspace";

afterAll(removeWorkspaces);

let ws: Workspace;

function cli(script: string, args: string[], env: NodeJS.ProcessEnv = testEnv()) {
  const r = spawnSync(join(REPO_ROOT, "node_modules", ".bin", "tsx"), [`scripts/${script}.ts`, ...args], {
    cwd: REPO_ROOT,
    env,
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const where = () => ["--outdir", ws.outdir, "--tenants-dir", ws.tenantsDir, "--local-state", ws.stateDir];

beforeAll(() => {
  ws = makeWorkspace({
    dev: readFileSync(join(REPO_ROOT, "tenants", "dev.yaml"), "utf8"),
    staging: readFileSync(join(REPO_ROOT, "tenants", "staging.yaml"), "utf8"),
  });
});

test("plan: a state that matches exits 0 and says so; --refresh=false is honoured", () => {
  synthTenants(loadTenants(ws.tenantsDir), ws.outdir);
  const [claims] = synthesizedActions(ws.outdir, "dev");
  writeState(
    join(ws.stateDir, "dev.tfstate"),
    [
      actionResource(claims.resourceName, {
        id: "act_1",
        name: claims.name,
        code: claims.code,
        secretNames: claims.secretNames,
        secretsWoVersion: claims.secretsWoVersion,
      }),
      bindingResource("post_login_binding_0", "act_1", claims.name),
    ],
    { action_code_sha256: { "post-login": { "add-metadata-claims": createHash("sha256").update(claims.code).digest("hex") } } },
  );
  const r = cli("plan", ["dev", "--refresh=false", ...where()]);
  expect(r.stderr).not.toContain("error");
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("**No changes.**");
  expect(r.stdout).toContain("-refresh=false");
});

test("plan: no credentials exits 1 and says which variables to set", () => {
  const r = cli("plan", ["dev", ...where()], testEnv({}));
  expect(r.code).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.stderr).toContain("no Auth0 credentials in the environment: set AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET");
  // The failure is recorded where the pull-request comment looks for the review.
  expect(readFileSync(join(ws.outdir, "review", "dev.md"), "utf8")).toContain("**The plan failed:** no Auth0 credentials");
});

test("plan: an invalid tenant file exits 1 naming the file and the field", () => {
  const broken = makeWorkspace({ dev: "domain: https://coop-dev.eu.auth0.com\nclaims:\n  namespace: ''\n  id_token: [usertype]\n" });
  const r = cli("plan", ["dev", "--outdir", broken.outdir, "--tenants-dir", broken.tenantsDir]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/invalid tenant configuration:\n.*tenants\/dev\.yaml: domain: must be a host name/);
});

test("plan: an unknown tenant or bad arguments exit 1", () => {
  const unknown = cli("plan", ["qa", ...where()]);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('no tenant named "qa"; tenants are: dev, staging');
  const usage = cli("plan", ["dev", "--all"]);
  expect(usage.code).toBe(1);
  expect(usage.stderr).toContain("usage: npm run plan");
});

test("drift: exits 0 when Auth0 matches the (empty) state and writes the report", () => {
  const r = cli("drift", ["staging", "--outdir", ws.outdir, "--tenants-dir", ws.tenantsDir, "--local-state", join(ws.root, "no-state")]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("## Drift check for tenant `staging`");
  expect(readFileSync(join(ws.outdir, "drift", "staging.md"), "utf8")).toBe(r.stdout.replace(/\n$/, ""));
});

test("promote: refuses with exit 1 when dev has never run the code", () => {
  const r = cli("promote", [
    "dev",
    "staging",
    "--artifact",
    ws.outdir,
    "--tenants-dir",
    ws.tenantsDir,
    "--local-state",
    join(ws.root, "no-state"),
  ]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('refusing to promote dev → staging:\n  - "dev" has no recorded deployment');
});

test("plan --comment: one comment for the listed tenants, a missing review reported as such", () => {
  const reviews = join(ws.root, "reviews");
  mkdirSync(reviews);
  writeFileSync(join(reviews, "dev.md"), "## Plan for tenant `dev`\n\n**2 to add, 0 to change, 0 to destroy.**\n");
  const r = cli("plan", ["--comment", reviews, "--tenants", "dev,prod"]);
  expect(r.code).toBe(0);
  expect(r.stdout.split("\n")[0]).toBe("<!-- auth0-plan-review -->");
  expect(r.stdout).toContain("**2 to add, 0 to change, 0 to destroy.**");
  expect(r.stdout).toContain("## Plan for tenant `prod`\n\n> [!CAUTION]\n> **No review**");
});
