/**
 * Builds with dependencies, as Auth0 runs them. The model's side (statuses while the install runs,
 * `retrying` before `failed`, a newer save winning, a restart resuming) with a builder the test
 * controls; then, against the machine's npm registry, one real tiny package and one version that
 * does not exist (the auth0/auth0 provider's acceptance test expects crypto@17.7.1 to fail the build).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { decodeJwt } from "jose";
import { TenantModel, emptyState, type DependencyBuilder, type TenantState } from "../../src/local-tenant/model";
import { startLocalTenant } from "../../src/local-tenant/server";
import { dependencyDir, dependencyExists, DependencyStore, installDependency } from "../../src/sandbox/dependencies";
import { runInSandbox } from "../../src/sandbox/sandbox";
import { tempDir } from "../local-tenant/support";

/** A builder whose every build waits until the test settles it. */
function controlledBuilder() {
  const builds: Array<{ deps: string[]; retry: () => void; settle: (error?: string) => void }> = [];
  const builder: DependencyBuilder = {
    build: (deps, onRetry) =>
      new Promise((resolvePromise) =>
        builds.push({ deps: deps.map((d) => `${d.name}@${d.version}`), retry: onRetry, settle: resolvePromise }),
      ),
  };
  return { builder, builds };
}

const flush = () => new Promise((r) => setImmediate(r));
const action = (deps: Array<{ name: string; version: string }>) => ({
  name: "a",
  supported_triggers: [{ id: "post-login", version: "v3" }],
  code: "",
  dependencies: deps,
});

describe("the model's build while dependencies install", () => {
  it("is building while the install runs, retrying after a failed attempt, then failed with the build's message", async () => {
    const { builder, builds } = controlledBuilder();
    const model = new TenantModel(emptyState(), { dependencies: builder });
    const created = model.createAction(action([{ name: "crypto", version: "17.7.1" }]));
    await flush();
    expect(builds.map((b) => b.deps)).toEqual([["crypto@17.7.1"]]);
    expect(model.statusOf(model.getAction(created.id))).toBe("building");
    builds[0].retry();
    expect(model.statusOf(model.getAction(created.id))).toBe("retrying");
    expect(() => model.deployAction(created.id)).toThrow(/must be in the 'built' state/);
    builds[0].settle("npm ERR! 404 No matching version found for crypto@17.7.1");
    await flush();
    expect(model.statusOf(model.getAction(created.id))).toBe("failed");
    expect(model.getAction(created.id).build.error).toMatch(/crypto@17.7.1/);
  });

  it("builds without asking the registry when there are no dependencies, and a newer save wins over an older install", async () => {
    const { builder, builds } = controlledBuilder();
    const model = new TenantModel(emptyState(), { dependencies: builder });
    const plain = model.createAction(action([]));
    expect(model.statusOf(plain)).toBe("built");
    const a = model.createAction(action([{ name: "ms", version: "1.0.0" }]));
    await flush();
    model.updateAction(a.id, { dependencies: [{ name: "ms", version: "2.1.3" }] });
    await flush();
    expect(builds.map((b) => b.deps)).toEqual([["ms@1.0.0"], ["ms@2.1.3"]]);
    builds[0].settle("npm ERR! 404 No matching version found for ms@1.0.0");
    await flush();
    expect(model.statusOf(model.getAction(a.id))).toBe("building");
    builds[1].settle(undefined);
    await flush();
    expect(model.statusOf(model.getAction(a.id))).toBe("built");
    expect(model.deployAction(a.id).dependencies).toEqual([{ name: "ms", version: "2.1.3" }]);
  });

  it("resumes an install that a stopped tenant left unfinished", async () => {
    let saved: TenantState | undefined;
    const first = new TenantModel(emptyState(), { dependencies: controlledBuilder().builder, onChange: (s) => (saved = s) });
    const a = first.createAction(action([{ name: "ms", version: "2.1.3" }]));
    await flush();
    // The tenant stops here; a new one loads the saved state.
    const { builder, builds } = controlledBuilder();
    if (!saved) throw new Error("the first tenant saved nothing");
    const second = new TenantModel(saved, { dependencies: builder });
    expect(builds.map((b) => b.deps)).toEqual([["ms@2.1.3"]]);
    builds[0].settle(undefined);
    await flush();
    expect(second.statusOf(second.getAction(a.id))).toBe("built");
  });
});

describe("against the npm registry this machine is configured with", () => {
  it("knows a published version from one that does not exist", async () => {
    expect(await dependencyExists("ms", "2.1.3")).toEqual({ kind: "exists" });
    expect(await dependencyExists("crypto", "17.7.1")).toMatchObject({
      kind: "missing",
      message: expect.stringMatching(/404.*crypto@17\.7\.1/),
    });
  });

  it("installs name@version once, without install scripts, and the sandbox requires it from there", async () => {
    const depsDir = tempDir("deps");
    const dir = await installDependency(depsDir, "ms", "2.1.3");
    expect(dir).toBe(dependencyDir(depsDir, "ms", "2.1.3"));
    expect(existsSync(join(dir, "node_modules", "ms", "package.json"))).toBe(true);
    // Installed already: npm is not run again (an npm that cannot start would fail the call).
    await expect(installDependency(depsDir, "ms", "2.1.3", { npm: join(depsDir, "no-such-npm") })).resolves.toBe(dir);

    const result = await runInSandbox({
      code: "exports.onExecutePostLogin = async (e, api) => { api.idToken.setCustomClaim('ttl', require('ms')('2 days')); };",
      trigger: "post-login",
      exportName: "onExecutePostLogin",
      event: {},
      dependencies: new DependencyStore(depsDir).installedDirs([{ name: "ms", version: "2.1.3" }]),
    });
    expect(result.calls).toEqual([{ path: "idToken.setCustomClaim", args: ["ttl", 172_800_000] }]);
  });

  it("the local tenant fails the build of crypto@17.7.1 after retrying, and builds, deploys and runs ms@2.1.3", async () => {
    const tenant = await startLocalTenant({ stateDir: tempDir("deps-tenant"), port: 0, dependencies: { retryDelayMs: 300 } });
    try {
      const api = async (method: string, path: string, body?: unknown) => {
        const res = await fetchJson(tenant.url, tenant.caPem, tenant.token, method, path, body);
        return res;
      };
      const failing = await api("POST", "/api/v2/actions/actions", { ...action([{ name: "crypto", version: "17.7.1" }]), name: "crypto" });
      expect(failing.status).toBe(201);
      const seen = await pollStatuses(() => api("GET", `/api/v2/actions/actions/${String(failing.body.id)}`), ["failed"]);
      expect(seen).toContain("retrying");
      expect(seen[seen.length - 1]).toBe("failed");

      const code = "exports.onExecutePostLogin = async (e, api) => { api.idToken.setCustomClaim('/ttl', require('ms')('1h')); };";
      const ok = await api("POST", "/api/v2/actions/actions", { ...action([{ name: "ms", version: "2.1.3" }]), name: "ms", code });
      expect((await pollStatuses(() => api("GET", `/api/v2/actions/actions/${String(ok.body.id)}`), ["built", "failed"])).pop()).toBe(
        "built",
      );
      expect((await api("POST", `/api/v2/actions/actions/${String(ok.body.id)}/deploy`)).status).toBe(200);
      expect(
        (
          await api("PATCH", "/api/v2/actions/triggers/post-login/bindings", {
            bindings: [{ ref: { type: "action_id", value: ok.body.id }, display_name: "ms" }],
          })
        ).status,
      ).toBe(200);
      const login = await fetchJson(tenant.url, tenant.caPem, undefined, "POST", "/local/login", { user: "kazuyuki" });
      expect(login.status).toBe(200);
      expect(decodeJwt(login.body.id_token as string)["/ttl"]).toBe(3_600_000);
    } finally {
      await tenant.close();
    }
  });
});

async function pollStatuses(read: () => Promise<{ body: Record<string, unknown> }>, final: string[]): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 600; i++) {
    const status = String((await read()).body.status);
    if (seen[seen.length - 1] !== status) seen.push(status);
    if (final.includes(status)) return seen;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the build did not finish; statuses seen: ${seen.join(", ")}`);
}

async function fetchJson(
  base: string,
  ca: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const { request } = await import("node:https");
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolvePromise, reject) => {
    const headers: Record<string, string> = {};
    if (payload !== undefined) headers["content-type"] = "application/json";
    if (token) headers.authorization = `Bearer ${token}`;
    const req = request(`${base}${path}`, { method, ca, headers }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolvePromise({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
    });
    req.on("error", reject);
    req.end(payload);
  });
}
