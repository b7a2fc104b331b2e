/**
 * Faults a real tenant produces, injected into the local tenant while the real provider applies:
 * rate limiting (429 + X-RateLimit-Reset), a 503 that outlasts the provider's retries, a slow build,
 * and the tenant process killed and restarted in the middle of an apply. After each, re-running
 * the apply converges: one Action, deployed and bound, a login with the claims, nothing lost.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../src/paths";
import { requestJson } from "../../src/local-run/client";
import { TerraformError } from "../../src/terraform/errors";
import type { TenantState } from "../../src/local-tenant/state-file";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { freePort, runnerFor, synthInto, tempDir, tenantFor } from "../support/local-tenant";

const ACTION_NAME = "Add metadata to user profile";

async function loginClaims(url: string, ca: string): Promise<Record<string, unknown>> {
  const res = await requestJson<{ id_token: string }>(`${url}/local/login`, { method: "POST", body: { user: "kazuyuki" }, ca });
  expect(res.status).toBe(200);
  return JSON.parse(Buffer.from(res.body.id_token.split(".")[1], "base64url").toString());
}

describe("rate limit, unavailability and a slow build", () => {
  let tenant: LocalTenant;
  afterAll(async () => {
    await tenant?.close();
  });

  it("waits out a 429, polls a slow build until built, and converges on re-run after a 503 outlasting the retries", async () => {
    tenant = await startLocalTenant({
      stateDir: tempDir("faults-tenant"),
      port: 0,
      buildMs: 2500,
      faults: [
        { method: "POST", path: "^/api/v2/actions/actions$", status: 429, times: 1, resetAfterSeconds: 1 },
        // The provider retries a 503 three times: five failures outlast one apply.
        { method: "PATCH", path: "/triggers/post-login/bindings$", status: 503, times: 5 },
      ],
    });
    const [dir] = synthInto(tempDir("faults-stack"), [tenantFor("faults", tenant.domain)]);
    const terraform = runnerFor(dir, tenant);
    await terraform.init();

    const first = await terraform.apply().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(first).toBeInstanceOf(TerraformError);
    expect((first as Error).message).toMatch(/503/);
    expect(tenant.faults.served).toEqual([
      "429 POST /api/v2/actions/actions",
      ...Array(4).fill("503 PATCH /api/v2/actions/triggers/post-login/bindings"),
    ]);

    // The create was retried after the 429 (one Action, not two), and deploy waited for the build.
    const [action, ...others] = tenant.model.listActions();
    expect(others).toEqual([]);
    expect(action.versions).toHaveLength(1);
    const creates = tenant.requests.filter((r) => r.method === "POST" && r.path === "/api/v2/actions/actions");
    expect(creates.map((r) => r.status)).toEqual([429, 201]);
    const createdAt = tenant.requests.findIndex((r) => r.method === "POST" && r.status === 201);
    const deployAt = tenant.requests.findIndex((r) => r.path.endsWith("/deploy"));
    const polls = tenant.requests
      .slice(createdAt, deployAt)
      .filter((r) => r.method === "GET" && r.path === `/api/v2/actions/actions/${action.id}`);
    expect(polls.length).toBeGreaterThan(1);
    expect(tenant.requests[deployAt].status).toBe(200);

    // Re-run: the remaining 503 is retried, the binding is made, and nothing else changes.
    await terraform.apply();
    expect(tenant.faults.pending()).toBe(0);
    expect(tenant.model.listActions().map((a) => [a.id, a.versions.length])).toEqual([[action.id, 1]]);
    expect(tenant.model.getBindings("post-login").map((b) => b.action_id)).toEqual([action.id]);
    expect((await terraform.plan()).code).toBe(0);
    expect(await loginClaims(tenant.url, tenant.caPem)).toMatchObject({ "/usertype": "member" });
  });
});

describe("the tenant process killed and restarted mid-apply", () => {
  const processes: ChildProcess[] = [];
  afterAll(() => {
    for (const p of processes) if (p.exitCode === null) p.kill("SIGKILL");
  });

  /** Starts `npm run local-tenant` as its own process and resolves with its ready line. */
  function startTenantProcess(
    port: number,
    stateDir: string,
    buildMs: number,
  ): Promise<{ child: ChildProcess; url: string; caFile: string }> {
    // node --import tsx, not the tsx CLI: the CLI runs the script in a grandchild that SIGKILL would miss.
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "scripts/local-tenant.ts", "--port", String(port), "--state-dir", stateDir, "--build-ms", String(buildMs)],
      {
        cwd: REPO_ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    processes.push(child);
    return new Promise((resolvePromise, reject) => {
      let out = "";
      let err = "";
      child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        const line = out.split("\n").find((l) => l.startsWith("{"));
        if (line && out.includes("\n")) resolvePromise({ child, ...JSON.parse(line) });
      });
      child.once("exit", (code) => reject(new Error(`local tenant exited (${code}) before it was ready: ${err}`)));
    });
  }

  function storedState(stateDir: string): TenantState | undefined {
    const file = join(stateDir, "tenant.json");
    return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as TenantState) : undefined;
  }

  it("re-running the apply converges with one Action, deployed and bound, and nothing lost", async () => {
    const port = await freePort();
    const stateDir = tempDir("kill-tenant");
    const first = await startTenantProcess(port, stateDir, 4000);
    const connection = {
      caBundleFile: join(stateDir, "ca", "ca-bundle.pem"),
      ...(JSON.parse(readFileSync(join(stateDir, "credentials.json"), "utf8")) as { client_id: string; client_secret: string }),
    };
    const tenantConnection = {
      caBundleFile: connection.caBundleFile,
      clientId: connection.client_id,
      clientSecret: connection.client_secret,
    };
    const [dir] = synthInto(tempDir("kill-stack"), [tenantFor("kill", `localhost:${port}`)]);
    const terraform = runnerFor(dir, tenantConnection);
    await terraform.init();

    const interrupted = terraform.apply().then(
      () => "completed",
      () => "failed",
    );
    // Kill it while the provider waits for the build: the Action exists, its version does not yet.
    await waitFor(() => (storedState(stateDir)?.actions.length ?? 0) === 1);
    first.child.kill("SIGKILL");
    await new Promise((r) => first.child.once("exit", r));
    expect(storedState(stateDir)!.actions[0].versions).toEqual([]);

    const second = await startTenantProcess(port, stateDir, 0);
    // Either the provider's own retries reached the restarted tenant, or the apply failed: both are fine.
    expect(["completed", "failed"]).toContain(await interrupted);
    await terraform.apply();
    expect((await terraform.plan()).code).toBe(0);

    const state = storedState(stateDir)!;
    const named = state.actions.filter((a) => a.name === ACTION_NAME);
    const bound = state.bindings["post-login"].map((b) => b.action_id);
    expect(bound).toHaveLength(1);
    expect(named.find((a) => a.id === bound[0])?.deployed_version_id).toBeDefined();
    // A kill between the tenant saving the create and answering it makes the provider create again: the
    // first copy is then an orphan, never deployed nor bound. Plain Terraform cannot see it; npm run verify
    // names it and npm run deploy deletes it (__tests__/deploy/kill-faults.test.ts).
    expect(named.length).toBeLessThanOrEqual(2);
    for (const orphan of named.filter((a) => a.id !== bound[0])) expect(orphan.deployed_version_id).toBeUndefined();
    const ca = readFileSync(second.caFile, "utf8");
    expect(await loginClaims(second.url, ca)).toMatchObject({ "/usertype": "member", "/coops": ["coop-north", "coop-south"] });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}
