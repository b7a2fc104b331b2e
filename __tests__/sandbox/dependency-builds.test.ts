/**
 * Builds with dependencies, as Auth0 runs them, against the machine's npm registry: one real tiny
 * package that installs once and runs in the sandbox, and one version that does not exist (the
 * auth0/auth0 provider's acceptance test expects crypto@17.7.1 to fail the build). The model's build
 * states themselves are tested in __tests__/local-tenant/model.test.ts.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { decodeJwt } from "jose";
import { startLocalTenant } from "../../src/local-tenant/server";
import { dependencyDir, dependencyExists, DependencyStore, installDependency } from "../../src/sandbox/dependencies";
import { runInSandbox } from "../../src/sandbox/sandbox";
import { tempDir } from "../support/local-tenant";

const action = (deps: Array<{ name: string; version: string }>) => ({
  name: "a",
  supported_triggers: [{ id: "post-login", version: "v3" }],
  code: "",
  dependencies: deps,
});

describe("against the npm registry this machine is configured with", () => {
  it("knows a published version from one that does not exist", async () => {
    expect(await dependencyExists("ms", "2.1.3")).toBe(true);
    expect(await dependencyExists("crypto", "17.7.1")).toBe(false);
    expect(await new DependencyStore(tempDir("deps-missing")).check([{ name: "crypto", version: "17.7.1" }])).toMatch(
      /No matching version found for crypto@17\.7\.1/,
    );
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
    const tenant = await startLocalTenant({ stateDir: tempDir("deps-tenant"), port: 0, buildRetryMs: 300 });
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
