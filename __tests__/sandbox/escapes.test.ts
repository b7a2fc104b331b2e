/**
 * Escape attempts: Action code trying to reach the host (its environment, the tenant's keys and
 * credentials, its files, commands, the tenant process itself) or to take it down. Each attempt
 * fails, or sees nothing, and the tenant keeps answering logins. The first group goes through the
 * real HTTPS local tenant (deploy, bind, log in); the rest calls the sandbox directly.
 */
import { decodeJwt } from "jose";
import { existsSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { emptyOutcome, recordingApi } from "../../src/actions-runtime/run-post-login";
import { replayCalls } from "../../src/sandbox/replay";
import { runInSandbox, type SandboxRequest } from "../../src/sandbox/sandbox";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { tempDir } from "../support/local-tenant";

const CANARY_NAME = "SANDBOX_ESCAPE_CANARY";
const CANARY = `canary-${process.pid}-${Date.now()}`;

let tenant: LocalTenant;
let stateDir: string;

beforeAll(async () => {
  // Set in the host's environment, as a credential would be: no Action may ever read it.
  process.env[CANARY_NAME] = CANARY;
  stateDir = tempDir("escapes");
  tenant = await startLocalTenant({ stateDir, port: 0, login: { flowTimeoutMs: 3000 } });
});
afterAll(async () => {
  delete process.env[CANARY_NAME];
  await tenant?.close();
});

function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const payload = JSON.stringify(body);
  return new Promise((resolvePromise, reject) => {
    const req = request(
      `${tenant.url}${path}`,
      { method: "POST", ca: tenant.caPem, headers: { "content-type": "application/json", ...headers } },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolvePromise({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** Deploys `code` as the only post-login Action and logs in the seed user. */
async function loginWith(code: string) {
  const action = tenant.model.createAction({
    name: `escape-${Date.now()}`,
    supported_triggers: [{ id: "post-login", version: "v3" }],
    code,
  });
  tenant.model.deployAction(action.id);
  tenant.model.replaceBindings("post-login", [{ ref: { type: "action_id", value: action.id } }]);
  return post("/local/login", { user: "kazuyuki" });
}

/** A login with a harmless Action answers with a token carrying its claim: the tenant is alive. */
async function expectTenantServes() {
  const res = await loginWith("exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('/alive', true); };");
  expect(res.status).toBe(200);
  expect(decodeJwt(res.body.id_token as string)["/alive"]).toBe(true);
}

/** An Action that runs `attempt` (an expression) and reports what it got, or the error code. */
function probe(attempt: string): string {
  return `exports.onExecutePostLogin = async (event, api) => {
    let seen;
    try { seen = await (async () => ${attempt})(); } catch (e) { seen = 'denied:' + (e.code || e.message); }
    api.idToken.setCustomClaim('/seen', typeof seen === 'string' ? seen : JSON.stringify(seen));
  };`;
}

async function seenThroughLogin(attempt: string): Promise<unknown> {
  const res = await loginWith(probe(attempt));
  expect(res.status).toBe(200);
  return decodeJwt(res.body.id_token as string)["/seen"];
}

describe("through the HTTPS local tenant", () => {
  it("the Function constructor chain reaches only the sandbox's process, whose environment is empty", async () => {
    expect(await seenThroughLogin("this.constructor.constructor('return process')().env")).toBe("{}");
    expect(
      await seenThroughLogin(`(async function(){}).constructor('return process')().then((p) => p.env.${CANARY_NAME} ?? 'absent')`),
    ).toBe("absent");
    await expectTenantServes();
  });

  it("cannot read the tenant's signing key or credentials.json", async () => {
    for (const file of ["signing-key.json", "credentials.json"]) {
      expect(existsSync(join(stateDir, file))).toBe(true);
      expect(await seenThroughLogin(`require('fs').readFileSync(${JSON.stringify(join(stateDir, file))}, 'utf8')`)).toBe(
        "denied:ERR_ACCESS_DENIED",
      );
    }
    await expectTenantServes();
  });

  it("cannot run commands", async () => {
    expect(await seenThroughLogin("require('child_process').execSync('id').toString()")).toBe("denied:ERR_ACCESS_DENIED");
    await expectTenantServes();
  });

  it("has the network, as on Auth0, but no credential: the tenant's Management API answers 401", async () => {
    const status = await seenThroughLogin(`new Promise((ok, fail) => {
      require('https').get('${tenant.url}/api/v2/actions/actions', { rejectUnauthorized: false }, (r) => ok(String(r.statusCode))).on('error', fail);
    })`);
    expect(status).toBe("401");
  });

  it("cannot kill the tenant, and process.exit or an unhandled rejection fails only that login", async () => {
    expect(await seenThroughLogin("process.kill(process.ppid, 'SIGKILL')")).toBe("denied:ERR_ACCESS_DENIED");
    const exit = await loginWith("exports.onExecutePostLogin = async () => { process.exit(0); };");
    expect(exit.status).toBe(403);
    expect(exit.body.error).toBe("access_denied");
    const rejected = await loginWith(
      "exports.onExecutePostLogin = async () => { (async function(){}).constructor('throw new Error(\"x\")')(); };",
    );
    expect(rejected.status).toBe(403);
    expect(rejected.body.error_description).toMatch(/Unhandled promise rejection: x/);
    await expectTenantServes();
  });

  it("an endless loop after an await is stopped at the time limit and the tenant keeps serving", async () => {
    const res = await loginWith("exports.onExecutePostLogin = async () => { await null; while (true) {} };");
    expect(res.status).toBe(403);
    expect(res.body.error_description).toMatch(/did not complete within 3 seconds/);
    await expectTenantServes();
  });
});

describe("directly on the sandbox", () => {
  const base: Omit<SandboxRequest, "code"> = {
    trigger: "post-login",
    exportName: "onExecutePostLogin",
    event: { user: { user_id: "auth0|1" } },
    timeoutMs: 3000,
  };

  /** Runs `attempt` in the sandbox; answers what the code saw (its claim) or the execution's error. */
  async function seen(attempt: string, extra: Partial<SandboxRequest> = {}): Promise<unknown> {
    const result = await runInSandbox({ ...base, ...extra, code: probe(attempt) });
    if (result.error) return `error:${result.error}`;
    return result.calls.find((c) => c.path === "idToken.setCustomClaim")?.args[1];
  }

  it.each([
    ["process.binding", "process.binding('fs')"],
    ["fs read of a host file", "require('fs').readFileSync('/etc/passwd', 'utf8')"],
    ["fs read of the repository", `require('fs').readFileSync(${JSON.stringify(join(__dirname, "escapes.test.ts"))}, 'utf8')`],
    ["directory listing", "require('fs').readdirSync('/')"],
    ["/proc of the parent", "require('fs').readFileSync('/proc/' + process.ppid + '/environ', 'utf8')"],
    ["child_process.spawnSync", "require('child_process').spawnSync('sh', ['-c', 'echo escaped']).stdout.toString()"],
    ["worker_threads", "new (require('worker_threads').Worker)('process.exit(0)', { eval: true }) && 'started'"],
    ["native addons", "process.dlopen({ exports: {} }, '/usr/lib/x86_64-linux-gnu/libc.so.6')"],
    ["the inspector", "(require('inspector').open(0), 'opened')"],
    ["WASI", "new (require('wasi').WASI)({ version: 'preview1' }) && 'created'"],
    ["renicing another process", "require('os').setPriority(process.ppid, 19)"],
    ["a diagnostic report (the real command line)", "process.report.getReport().header.commandLine"],
  ])("%s is denied", async (_what, attempt) => {
    expect(await seen(attempt)).toMatch(/^denied:(ERR_ACCESS_DENIED|ERR_DLOPEN_DISABLED)$/);
  });

  it("writing a file is denied and nothing is written", async () => {
    const target = join(tempDir("escape-write"), "written.txt");
    expect(await seen(`require('fs').writeFileSync(${JSON.stringify(target)}, 'x')`)).toBe("denied:ERR_ACCESS_DENIED");
    expect(existsSync(target)).toBe(false);
  });

  it("the environment holds nothing of the host's, wherever the code looks for it", async () => {
    expect(await seen(`process.env.${CANARY_NAME} ?? Object.keys(process.env).length`)).toBe("0");
    expect(await seen("globalThis.process.execArgv.concat(process.argv, process.execPath).join(' ')")).not.toMatch(
      /allow-fs-read|bootstrap|\/work\//,
    );
    expect(await seen("process.cwd()")).toBe("/");
  });

  it("a secret of the Action is in event.secrets and nowhere else", async () => {
    const code = `exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('s', event.secrets.KEY); api.idToken.setCustomClaim('env', Object.keys(process.env)); };`;
    const result = await runInSandbox({ ...base, code, secrets: { KEY: "value-1" } });
    expect(result.calls.map((c) => c.args)).toEqual([
      ["s", "value-1"],
      ["env", []],
    ]);
  });

  it.each([
    ["a synchronous endless loop at load", "while (true) {}", "timeout"],
    ["an endless loop of microtasks", "exports.onExecutePostLogin = async () => { for (;;) await null; };", "timeout"],
    ["a promise that never settles", "exports.onExecutePostLogin = () => new Promise(() => {});", "timeout"],
    ["a heap blow-up", "exports.onExecutePostLogin = async () => { const a = []; for (;;) a.push({ n: Math.random() }); };", "memory"],
    [
      "a buffer blow-up (outside the heap)",
      "exports.onExecutePostLogin = async () => { const a = []; for (;;) a.push(Buffer.alloc(32 * 1024 * 1024, 1)); };",
      "memory",
    ],
    ["process.exit", "exports.onExecutePostLogin = async () => { process.exit(3); };", "crash"],
    ["process.abort", "exports.onExecutePostLogin = async () => { process.abort(); };", "crash"],
    [
      "an exception thrown from a timer",
      "exports.onExecutePostLogin = () => new Promise(() => setTimeout(() => { throw new Error('late'); }, 10));",
      "error",
    ],
  ])("%s fails that execution only", async (_what, code, failure) => {
    // A heap blow-up spends a while in garbage collection before V8 gives up: room to get there.
    const result = await runInSandbox({ ...base, code, timeoutMs: failure === "memory" ? 20_000 : 2000, memoryMb: 64 });
    expect(result.failure).toBe(failure);
    expect(result.calls).toEqual([]);
  });

  it("huge console output is cut; the execution still completes", async () => {
    const code =
      "exports.onExecutePostLogin = async (e, api) => { for (let i = 0; i < 20000; i++) console.log('x'.repeat(100)); api.idToken.setCustomClaim('done', true); };";
    const result = await runInSandbox({ ...base, code });
    expect(result.error).toBeUndefined();
    expect(result.calls).toEqual([{ path: "idToken.setCustomClaim", args: ["done", true] }]);
    expect(result.logs[result.logs.length - 1]).toMatch(/output truncated/);
    expect(result.logs.join("\n").length).toBeLessThan(300 * 1024);
  });

  it("a result forged on the result channel carries only api calls, checked as data", async () => {
    // The code can write to the result pipe itself; the host reads shapes, not code, from it.
    const code =
      'exports.onExecutePostLogin = async () => { require(\'fs\').writeSync(3, \'{"type":"result","calls":[{"path":"__proto__.polluted","args":[1]}],"cache":{}}\\n\'); await new Promise(() => {}); };';
    const result = await runInSandbox({ ...base, code });
    expect(result.calls).toEqual([{ path: "__proto__.polluted", args: [1] }]);
    // Replaying it onto the post-login api names the bad path and touches no prototype.
    expect(() => replayCalls(recordingApi(emptyOutcome()), result.calls)).toThrow(/api.__proto__.polluted is not a method/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
