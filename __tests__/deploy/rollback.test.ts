/**
 * `npm run rollback` end to end, with the real Terraform and provider against a local tenant, in a
 * temporary git repository whose actions/ holds a post-login Action and the Action Module it pins:
 * a good release is deployed (Action v1, module version 1), then a bad one (v2, module version 2).
 * Refused first, with nothing changed: an unknown version, an unknown ref, code that never ran. Then
 * `--to 1` redeploys v1 (Auth0's deploy-version call): verify exits 0, a login runs the old code
 * and the old module version, the user's branch and work tree are untouched, and the revert waits
 * on branch rollback/dev-v1. Until it lands, verify, drift and the plan review name the roll-back
 * (the review cautions that applying undoes it); once it lands, the plan shows no change. Last,
 * after 50 more versions, v1 is gone from the history and a roll-back to it is refused.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadTenants } from "../../src/config/load-tenants";
import { deployTenant } from "../../src/deploy/run-deploy";
import { driftTenants } from "../../src/drift/run-drift";
import { requestJson, verifyIdToken } from "../../src/local-run/client";
import { LOCAL_APP } from "../../src/local-tenant/login";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { planTenants } from "../../src/plan/run-plan";
import type { CodeAtCommit } from "../../src/rollback/code-at-ref";
import { declaredContent } from "../../src/rollback/rules";
import { rollbackTenant } from "../../src/rollback/run-rollback";
import { synthTenants } from "../../src/synth/synth-tenants";
import { readDeclaredStack } from "../../src/terraform/declared-stack";
import { verifyTenants } from "../../src/verify/run-verify";
import { makeWorkspace, tenantEnv, type Workspace } from "../support/deploy";
import { tempDir } from "../support/temp-dir";

const API = { retries: 8, minBackoffMs: 50 };
const GREETING = "https://claims.example.com/greeting";
const RELEASE = "https://claims.example.com/release";
const IDENTITY = {
  GIT_AUTHOR_NAME: "Release",
  GIT_AUTHOR_EMAIL: "release@example.com",
  GIT_COMMITTER_NAME: "Release",
  GIT_COMMITTER_EMAIL: "release@example.com",
};

let dev: LocalTenant;
let ws: Workspace;
let pluginCache: string;
/** The temporary repository: its work tree's actions/ is what deploy and plan synthesize. */
let repo: string;

const gitEnv = () => ({ ...process.env, ...IDENTITY, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" });
const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, env: gitEnv(), encoding: "utf8" }).trim();

/** actions/ of one release: the Action's claim says the release, the module's greeting says which module version ran. */
function writeRelease(release: string, salutation: string): void {
  mkdirSync(join(repo, "actions", "post-login"), { recursive: true });
  mkdirSync(join(repo, "actions", "modules", "greeting"), { recursive: true });
  writeFileSync(
    join(repo, "actions", "post-login", "greet-with-module.ts"),
    [
      'import { greeting } from "actions:greeting";',
      "",
      "type Api = { idToken: { setCustomClaim(name: string, value: unknown): void } };",
      "export const onExecutePostLogin = async (event: { user: { name?: string; user_id: string } }, api: Api): Promise<void> => {",
      `  api.idToken.setCustomClaim(${JSON.stringify(GREETING)}, greeting(event.user.name ?? event.user.user_id));`,
      `  api.idToken.setCustomClaim(${JSON.stringify(RELEASE)}, ${JSON.stringify(release)});`,
      "};",
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(repo, "actions", "modules", "greeting", "index.ts"),
    `export function greeting(name: string): string {\n  return \`${salutation}, \${name}\`;\n}\n`,
  );
}

function commitRelease(release: string, salutation: string): string {
  writeRelease(release, salutation);
  git("add", "actions");
  git("commit", "-q", "-m", `release ${release}`);
  return git("rev-parse", "HEAD");
}

/** What a commit deploys, synthesized from that commit's actions/ (what the command does by default with the commit's own code). */
const codeAt: CodeAtCommit = async (commit) => {
  const dir = tempDir("rollback-at");
  execFileSync("sh", ["-c", `git archive --format=tar ${commit} actions | tar -x -C "${dir}"`], { cwd: repo, env: gitEnv() });
  const handlersRoot = join(dir, "actions");
  const tenants = loadTenants(ws.tenantsDir, handlersRoot).filter((t) => t.name === "dev");
  const [stack] = synthTenants(tenants, join(dir, "cdktf.out"), { handlersRoot });
  return Object.fromEntries(readDeclaredStack(stack.dir).actions.map((a) => [a.address, declaredContent(a)]));
};

async function login(): Promise<Record<string, unknown>> {
  const res = await requestJson<{ id_token: string }>(`${dev.url}/local/login`, {
    method: "POST",
    body: { user: "kazuyuki" },
    ca: dev.caPem,
  });
  expect(res.status).toBe(200);
  return verifyIdToken(dev.url, res.body.id_token, { ca: dev.caPem, audience: LOCAL_APP.client_id });
}

beforeAll(async () => {
  dev = await startLocalTenant({ stateDir: tempDir("rollback-tenant"), port: 0 });
  ws = makeWorkspace("rollback");
  pluginCache = tempDir("rollback-plugin-cache");
  repo = join(ws.root, "repo");
  mkdirSync(repo);
  git("init", "-q", "-b", "main");
  // The claims Action the claims settings require, as this repository has it, with what it imports.
  const actions = join(__dirname, "..", "..", "actions");
  for (const path of ["lib", "types", "post-login/add-metadata-claims.ts"])
    cpSync(join(actions, path), join(repo, "actions", path), { recursive: true });
  writeFileSync(
    join(ws.tenantsDir, "dev.yaml"),
    [
      `domain: ${dev.domain}`,
      'claims: { namespace: "", id_token: [usertype] }',
      "modules:",
      "  greeting: {}",
      "flows:",
      "  post-login:",
      "    mode: authoritative",
      "    actions:",
      "      - { handler: add-metadata-claims }",
      "      - { handler: greet-with-module, name: Greet with module }",
      "backend: { type: local, path: state/dev.tfstate }",
      "",
    ].join("\n"),
  );
});

afterAll(async () => {
  await dev?.close();
});

// GIT_DIR: the command's git calls (revert branch, roll-back records) go to the temporary repository.
const env = () => ({ ...tenantEnv(dev, pluginCache), ...IDENTITY, GIT_DIR: join(repo, ".git") });
const common = () => ({ tenantsDir: ws.tenantsDir, outdir: ws.outdir, api: API, handlersRoot: join(repo, "actions"), env: env() });
const rollback = (to: string, action?: string) => rollbackTenant({ ...common(), tenant: "dev", to, codeAt, ...(action ? { action } : {}) });
const plan = () => planTenants({ ...common(), selection: ["dev"], changedSources: { known: false, reason: "not a git checkout" } });
async function deploy(): Promise<void> {
  const deployed = await deployTenant({ ...common(), tenant: "dev" });
  expect(deployed.error).toBeUndefined();
  expect(deployed.exitCode).toBe(0);
}
const action = () => dev.model.listActions().find((a) => a.name === "Greet with module")!;

test("a bad release is rolled back in one call; the repository and Terraform follow through the revert branch", async () => {
  const good = commitRelease("1", "Hello");
  await deploy();
  expect(await login()).toMatchObject({ [RELEASE]: "1", [GREETING]: "Hello, Kazuyuki" });
  const bad = commitRelease("2", "Howdy");
  await deploy();
  expect(await login()).toMatchObject({ [RELEASE]: "2", [GREETING]: "Howdy, Kazuyuki" });
  const [module] = dev.model.listModules();
  expect(module.versions.map((v) => v.version_number)).toEqual([1, 2]);

  // Code on a branch that was never deployed anywhere.
  git("checkout", "-q", "-b", "never-deployed", good);
  commitRelease("untested", "Hi");
  git("checkout", "-q", "main");

  // Refused, naming what was asked and what is allowed; nothing changes.
  const ambiguous = await rollback("1");
  expect(ambiguous.exitCode).toBe(1);
  expect(ambiguous.message).toBe(
    "refusing to roll back dev to 1: --to 1: each Action numbers its own versions and dev declares 2 (add-metadata-claims, greet-with-module); add --action <handler>, or roll every Action back with --to <git ref>",
  );
  const unknownVersion = await rollback("7", "greet-with-module");
  expect(unknownVersion.exitCode).toBe(1);
  expect(unknownVersion.message).toBe(
    'refusing to roll back dev to 7: --to 7: "Greet with module" has no version 7 on dev; its versions are v1–v2',
  );
  const unknownRef = await rollback("no-such-release");
  expect(unknownRef.exitCode).toBe(1);
  expect(unknownRef.message).toBe(
    "refusing to roll back dev to no-such-release: --to no-such-release: not a version number and not a git ref of this repository (a commit, tag or branch)",
  );
  const neverRan = await rollback("never-deployed");
  expect(neverRan.exitCode).toBe(1);
  expect(neverRan.message).toMatch(
    /^refusing to roll back dev to never-deployed: the code of "Greet with module" at never-deployed \(sha256 [0-9a-f]{12}, with its Action Modules\) never ran on dev: a roll-back only returns to a version that ran/,
  );
  expect(action().versions.map((v) => v.number)).toEqual([1, 2]);
  expect(git("branch", "--list", "rollback/*")).toBe("");

  // The roll-back: Auth0's deploy-version call, verified, the revert on its own branch.
  const rolled = await rollback("1", "greet-with-module");
  expect(rolled.message).toContain("rolled back dev to v1; verified: the tenant runs that code");
  expect(rolled.exitCode).toBe(0);
  expect(rolled.actions).toEqual([expect.objectContaining({ address: "auth0_action.greet_with_module", version: 1, deployedVersion: 3 })]);
  expect(rolled.revert).toEqual({ branch: "rollback/dev-v1", commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
  expect(rolled.message).toContain(
    `revert written on branch rollback/dev-v1 (commit ${(rolled.revert as { commit: string }).commit.slice(0, 12)}: actions/ as at ${good.slice(0, 12)})`,
  );
  expect(await login()).toMatchObject({ [RELEASE]: "1", [GREETING]: "Hello, Kazuyuki" });
  // The earlier module pin is back, in the deployed version and the draft.
  const v1Pin = [{ module_id: module.id, module_version_id: module.versions[0].id }];
  expect(dev.model.deployedVersion(action())?.modules).toEqual(v1Pin);
  expect(action().modules).toEqual(v1Pin);
  // The user's branch and work tree are as they were.
  expect([git("rev-parse", "--abbrev-ref", "HEAD"), git("rev-parse", "HEAD"), git("status", "--porcelain")]).toEqual(["main", bad, ""]);
  const revert = rolled.revert as { branch: string; commit: string };
  expect(git("log", "-1", "--format=%B", revert.commit)).toContain(`Rollback-To-Commit: ${good}`);
  expect(git("rev-parse", `${revert.commit}^`)).toBe(bad);
  expect(git("diff", "--stat", good, revert.commit, "--", "actions")).toBe("");

  // Until the revert lands: verify passes and names the roll-back; drift and the plan review name it too.
  const named = new RegExp(
    `"Greet with module" was rolled back to v1 \\(commit ${good.slice(0, 12)}\\) on \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC`,
  );
  const verified = await verifyTenants({ ...common(), selection: ["dev"] });
  expect(verified.exitCode).toBe(0);
  expect(verified.tenants[0].result!.findings.map((f) => f.kind)).toEqual(["rolled-back"]);
  expect(verified.tenants[0].result!.findings[0].message).toMatch(named);
  expect(verified.tenants[0].result!.findings[0].fix).toContain("merge the revert on branch rollback/dev-v1");
  const drift = await driftTenants({ ...common(), selection: ["dev"] });
  expect(drift.exitCode).toBe(2);
  expect(drift.tenants[0].markdown).toMatch(named);
  const planned = await plan();
  expect(planned.exitCode).toBe(2);
  expect(planned.tenants[0].review?.counts.change).toBeGreaterThan(0);
  expect(planned.tenants[0].markdown).toContain("### Rolled back: applying this plan undoes the roll-back");
  expect(planned.tenants[0].markdown).toContain("> [!CAUTION]");
  expect(planned.tenants[0].markdown).toMatch(named);

  // The revert lands: the plan has nothing to do, verify has nothing to say.
  git("merge", "-q", "--ff-only", revert.branch);
  const landed = await plan();
  expect(landed.tenants[0].error).toBeUndefined();
  expect(landed.tenants[0].review?.counts).toEqual({ add: 0, change: 0, destroy: 0 });
  // Only the state's record of the deployed code (outputs) still names the bad release: the merge's
  // deploy writes it, without touching the tenant, and then nothing at all is left to do.
  expect(landed.tenants[0].markdown).toContain("Every managed Action's saved code is deployed");
  expect(landed.tenants[0].markdown).not.toContain("Rolled back");
  const versionsBefore = action().versions.length;
  await deploy();
  expect(action().versions).toHaveLength(versionsBefore);
  const settled = await plan();
  expect(settled.tenants[0].review?.counts).toEqual({ add: 0, change: 0, destroy: 0 });
  expect(settled.exitCode).toBe(0);
  const clean = await verifyTenants({ ...common(), selection: ["dev"] });
  expect(clean.tenants[0].result!.findings).toEqual([]);
  expect(await login()).toMatchObject({ [RELEASE]: "1", [GREETING]: "Hello, Kazuyuki" });

  // 50 more versions (Auth0 keeps 50): v1 leaves the history and cannot be returned to.
  for (let i = 0; i < 50; i++) dev.model.redeployVersion(action().id, dev.model.deployedVersion(action())!.id, { updateDraft: true });
  const expired = await rollback("1", "greet-with-module");
  expect(expired.exitCode).toBe(1);
  expect(expired.message).toBe(
    'refusing to roll back dev to 1: --to 1: v1 of "Greet with module" is no longer in dev\'s version history (Auth0 keeps the latest 50 versions of an Action); roll back to one of v4–v53, or revert the code and deploy it through review',
  );
}, 600_000);
