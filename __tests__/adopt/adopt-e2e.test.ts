/**
 * The whole adoption, as a user runs it, in a copy of the repository against a local tenant
 * pre-populated like the seed's team's tenant: `npm run adopt`, then `npm run plan` shows imports
 * only (exit 2, 0 to add, 0 to change, 0 to destroy), the apply imports, a second plan is clean, verify exits 0, a
 * second adopt changes no file, and the proposed follow-up replaces the hand-made code with the
 * repository's claims handler through an ordinary plan and apply. The tenant sees no write from adopt.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { bundleActionHandler } from "../../src/bundle/bundle-action";
import { REPO_ROOT } from "../../src/paths";
import { localTerraformEnv } from "../../src/local-run/deploy";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { pluginCacheEnv, tempDir } from "../support/local-tenant";

jest.setTimeout(600_000);

/** A copy of the repository's tracked (and new) files; node_modules, .gen and .local shared by symlink. */
function copyRepository(): string {
  const dir = tempDir("adopt-e2e-repo");
  const listed = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: REPO_ROOT, encoding: "utf8" });
  for (const file of listed.stdout.split("\0").filter(Boolean)) {
    try {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      copyFileSync(join(REPO_ROOT, file), join(dir, file));
    } catch {
      /* deleted in the working tree */
    }
  }
  for (const shared of ["node_modules", ".gen", ".local"]) symlinkSync(join(REPO_ROOT, shared), join(dir, shared));
  // Only the adopted tenant: the others are not part of this story.
  for (const file of readdirSync(join(dir, "tenants"))) rmSync(join(dir, "tenants", file));
  return dir;
}

describe("adopting the seed team's tenant end to end", () => {
  let tenant: LocalTenant;
  let repo: string;
  let env: NodeJS.ProcessEnv;
  // Asynchronous: the local tenant answers from this process while the commands run.
  const exec = (command: string, args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolvePromise, reject) => {
      const child = spawn(command, args, { cwd: repo, env });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
      child.on("error", reject);
      child.on("close", (status) => resolvePromise({ status, stdout, stderr }));
    });
  const run = (script: string, args: string[]) => exec(join(REPO_ROOT, "node_modules/.bin/tsx"), [`scripts/${script}.ts`, ...args]);
  const terraform = (args: string[]) => exec("terraform", ["-chdir=cdktf.out/stacks/team", ...args, "-input=false", "-no-color"]);

  beforeAll(async () => {
    tenant = await startLocalTenant({
      stateDir: tempDir("adopt-e2e"),
      port: 0,
      dependencies: "syntax",
      seedFile: join(REPO_ROOT, "fixtures/adopt/team-tenant.seed.yaml"),
    });
    repo = copyRepository();
    writeFileSync(
      join(repo, "tenants/team.yaml"),
      `domain: ${tenant.domain}\nclaims:\n  namespace: ""\n  id_token: [usertype, coops, coopnames]\nbackend:\n  type: local\n  path: state/team.tfstate\n`,
    );
    env = { ...localTerraformEnv(tenant, pluginCacheEnv()), CHECKPOINT_DISABLE: "1" };
  });
  afterAll(async () => tenant?.close());

  it("adopts, plans imports only, applies them, and a second adopt changes nothing", async () => {
    const before = tenant.requests.length;
    const adopted = await run("adopt", ["team", "--ca-file", tenant.caFile]);
    expect(adopted.stderr).toBe("");
    expect(adopted.status).toBe(0);
    expect(adopted.stdout).toContain("TF_VAR_NOTIFY_SIEM_ON_LOGIN_SIEM_TOKEN");
    const writes = tenant.requests.slice(before).filter((r) => r.method !== "GET" && r.path !== "/oauth/token");
    expect(writes).toEqual([]);

    const plan = await run("plan", ["team"]);
    expect({ status: plan.status, stderr: plan.status === 2 ? "" : plan.stderr }).toEqual({ status: 2, stderr: "" });
    expect(plan.stdout).toContain("0 to add, 0 to change, 0 to destroy");
    const planned = await terraform(["plan", "-detailed-exitcode"]);
    expect(planned.stdout).toContain("Plan: 4 to import, 0 to add, 0 to change, 0 to destroy.");

    const applied = await terraform(["apply", "-auto-approve"]);
    expect(applied.status).toBe(0);
    expect(applied.stdout).toContain("Apply complete! Resources: 4 imported, 0 added, 0 changed, 0 destroyed.");
    expect((await terraform(["plan", "-detailed-exitcode"])).status).toBe(0);
    const verified = await run("verify", ["team"]);
    expect({ status: verified.status, stderr: verified.status === 0 ? "" : `${verified.stdout}\n${verified.stderr}` }).toEqual({
      status: 0,
      stderr: "",
    });
    // Nothing in the tenant changed: the same deployed versions, no new one.
    expect(tenant.model.listActions().map((a) => a.versions.length)).toEqual([1, 1, 0]);

    const again = await run("adopt", ["team", "--ca-file", tenant.caFile]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("No file changed");
  });

  it("then replaces the hand-made code with the repository's claims handler through an ordinary plan and apply", async () => {
    cpSync(join(repo, "adopt/team/tenant.proposed.yaml"), join(repo, "tenants/team.yaml"));
    const plan = await run("plan", ["team"]);
    expect(plan.status).toBe(2);
    expect(plan.stdout).toContain("0 to add, 1 to change, 0 to destroy");
    const applied = await terraform(["apply", "-auto-approve"]);
    expect(applied.status).toBe(0);
    expect((await terraform(["plan", "-detailed-exitcode"])).status).toBe(0);
    expect((await run("verify", ["team"])).status).toBe(0);

    const forum = tenant.model.listActions({ actionName: "Add metadata to user profile" })[0];
    const deployed = tenant.model.deployedVersion(forum)!;
    expect(deployed.code).toContain("actions/post-login/add-metadata-claims.ts");
    // Byte for byte the repository's bundle, with the claims settings as its secret.
    expect(deployed.code).toBe(bundleActionHandler("post-login", "add-metadata-claims").code);
    expect(deployed.secrets.map((secret) => secret.name)).toEqual(["CLAIMS_CONFIG"]);
    // The other adopted Action is untouched: still its first (Dashboard) version.
    expect(tenant.model.listActions({ actionName: "Notify SIEM on login" })[0].versions).toHaveLength(1);
    expect(readFileSync(join(repo, "tenants/team.yaml"), "utf8")).not.toContain("import_id: " + forum.id);
  });
});
