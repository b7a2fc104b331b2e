/**
 * The sandbox's contract, trigger by trigger: the calls the code made come back in order as data,
 * methods that answer with a value answer inside the sandbox, console output comes back as lines,
 * and the code runs on Node 22 with its declared dependencies readable and nothing else.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runInSandbox, SandboxPool, type SandboxRequest } from "../../src/sandbox/sandbox";
import { TRIGGERS } from "../../src/triggers";
import { tempDir } from "../support/local-tenant";

const postLogin = (code: string, extra: Partial<SandboxRequest> = {}, pool?: SandboxPool) =>
  runInSandbox(
    {
      code,
      trigger: "post-login",
      exportName: "onExecutePostLogin",
      event: { user: { user_id: "auth0|1" }, request: { hostname: "tenant.example", query: {} } },
      ...extra,
    },
    pool,
  );

it("returns the api calls in order, with chaining, on Node 22", async () => {
  const result = await postLogin(`exports.onExecutePostLogin = async (event, api) => {
    api.idToken.setCustomClaim('/v', process.version).accessToken.addScope('read:x');
    api.access.deny('no');
  };`);
  expect(result.error).toBeUndefined();
  expect(result.runtime).toMatch(/^v22\./);
  expect(result.calls).toEqual([
    { path: "idToken.setCustomClaim", args: ["/v", result.runtime] },
    { path: "accessToken.addScope", args: ["read:x"] },
    { path: "access.deny", args: ["no"] },
  ]);
});

it("is trigger-agnostic: the trigger decides which api methods exist and which export is called", async () => {
  const code = `exports.onExecuteCredentialsExchange = async (event, api) => { api.accessToken.setCustomClaim('client', event.client.client_id); };`;
  const result = await runInSandbox({
    code,
    trigger: "credentials-exchange",
    exportName: "onExecuteCredentialsExchange",
    event: { client: { client_id: "m2m" } },
  });
  expect(result.calls).toEqual([{ path: "accessToken.setCustomClaim", args: ["client", "m2m"] }]);
  // credentials-exchange has no idToken: using it is a TypeError in the code, as on Auth0.
  const wrong = await runInSandbox({
    code: "exports.onExecuteCredentialsExchange = async (e, api) => { api.idToken.setCustomClaim('a', 1); };",
    trigger: "credentials-exchange",
    exportName: "onExecuteCredentialsExchange",
    event: {},
  });
  expect(wrong.failure).toBe("error");
  expect(wrong.error).toMatch(/Cannot read properties of undefined \(reading 'setCustomClaim'\)/);
  const unknown = await runInSandbox({ code: "", trigger: "no-such-trigger", exportName: "x", event: {} });
  expect(unknown).toMatchObject({ failure: "unavailable", error: expect.stringMatching(/no-such-trigger/) });
});

it("answers cache, redirect-token and rules.wasExecuted calls inside the sandbox, and returns the cache", async () => {
  const result = await postLogin(
    `exports.onExecutePostLogin = async (event, api) => {
      const before = api.cache.get('seeded').value;
      api.cache.set('new', 'v2');
      const token = api.redirect.encodeToken({ secret: 's3cret', payload: { step: 1 } });
      event.request.query.session_token = token;
      const back = api.redirect.validateToken({ secret: 's3cret' });
      let forged;
      try { api.redirect.validateToken({ secret: 'other' }); } catch (e) { forged = e.message; }
      api.idToken.setCustomClaim('r', { before, step: back.step, sub: back.sub, forged, ran: api.rules.wasExecuted('rul_1'), not: api.rules.wasExecuted('rul_2') });
    };`,
    { cache: { seeded: { value: "v1" } }, executedRules: ["rul_1"] },
  );
  expect(result.error).toBeUndefined();
  const claim = result.calls.find((c) => c.path === "idToken.setCustomClaim")!.args[1];
  expect(claim).toEqual({ before: "v1", step: 1, sub: "auth0|1", forged: "The token signature is invalid", ran: true, not: false });
  expect(result.cache).toEqual({ seeded: { value: "v1" }, new: { value: "v2" } });
});

it("turns what JSON cannot hold into undefined, and console output into lines formatted as Node does", async () => {
  const result = await postLogin(`exports.onExecutePostLogin = async (event, api) => {
    console.log('a', { b: [1, 2] });
    console.error('to the log as well');
    api.idToken.setCustomClaim('f', () => 1).idToken.setCustomClaim('big', 10n).idToken.setCustomClaim('nested', { keep: 1, drop: () => 2 });
  };`);
  expect(result.logs).toEqual(["a { b: [ 1, 2 ] }", "to the log as well"]);
  expect(result.calls.map((c) => c.args)).toEqual([
    ["f", undefined],
    ["big", undefined],
    ["nested", { keep: 1 }],
  ]);
});

it("fails with the code's own message when it does not parse, does not export the handler or throws", async () => {
  expect((await postLogin("exports.onExecutePostLogin = async () => { 'unterminated };")).error).toMatch(/Invalid or unexpected token/);
  expect((await postLogin("exports.somethingElse = 1;")).error).toBe("the code does not export onExecutePostLogin");
  expect((await postLogin("exports.onExecutePostLogin = async () => { throw new Error('boom'); };")).error).toBe("boom");
});

it("requires Node's built-ins and the declared dependencies from their installed directory, and nothing else", async () => {
  const deps = tempDir("sandbox-deps");
  const installed = join(deps, "shout@1.0.0");
  mkdirSync(join(installed, "node_modules", "shout"), { recursive: true });
  writeFileSync(join(installed, "node_modules", "shout", "package.json"), '{"name":"shout","version":"1.0.0","main":"index.js"}');
  writeFileSync(join(installed, "node_modules", "shout", "index.js"), "module.exports = (s) => s.toUpperCase() + '!';");
  // A sibling directory that is not a declared dependency.
  mkdirSync(join(deps, "other@1.0.0"));
  writeFileSync(join(deps, "other@1.0.0", "secret.txt"), "not for the Action");

  const code = `exports.onExecutePostLogin = async (event, api) => {
    const attempt = (f) => { try { return f(); } catch (e) { return e.code; } };
    api.idToken.setCustomClaim('x', {
      dep: require('shout')('hi'),
      builtin: require('node:crypto').createHash('sha256').update('a').digest('hex').slice(0, 8),
      undeclared: attempt(() => require('left-pad')),
      sibling: attempt(() => require('fs').readFileSync(${JSON.stringify(join(deps, "other@1.0.0", "secret.txt"))}, 'utf8')),
    });
  };`;
  const result = await postLogin(code, { dependencies: { shout: installed } });
  expect(result.error).toBeUndefined();
  expect(result.calls[0].args[1]).toEqual({
    dep: "HI!",
    builtin: "ca978112",
    undeclared: "MODULE_NOT_FOUND",
    sibling: "ERR_ACCESS_DENIED",
  });
});

it("knows the api of every trigger in src/triggers.ts and calls each trigger's entry point", async () => {
  for (const spec of TRIGGERS) {
    const code = `exports.${spec.entryPoint} = async (event, api) => { api.cache.set('trigger', event.trigger); };`;
    const result = await runInSandbox({ code, trigger: spec.id, exportName: spec.entryPoint, event: { trigger: spec.id } });
    expect({ trigger: spec.id, error: result.error, calls: result.calls }).toEqual({
      trigger: spec.id,
      error: undefined,
      calls: [{ path: "cache.set", args: ["trigger", spec.id] }],
    });
  }
});

it("with a pool, runs at most maxRunning executions at once: a queued one that never gets a slot times out", async () => {
  const pool = new SandboxPool({ maxRunning: 1 });
  try {
    const busy = postLogin("exports.onExecutePostLogin = async () => { for (;;) {} };", { timeoutMs: 1500 }, pool);
    const queued = postLogin("exports.onExecutePostLogin = async (e, api) => { api.access.deny('ran'); };", { timeoutMs: 800 }, pool);
    expect(await queued).toMatchObject({ failure: "timeout", calls: [] });
    expect((await busy).failure).toBe("timeout");
    // The slot is free again, and the process started ahead serves the next execution.
    expect((await postLogin("exports.onExecutePostLogin = async (e, api) => { api.access.deny('ran'); };", {}, pool)).calls).toEqual([
      { path: "access.deny", args: ["ran"] },
    ]);
  } finally {
    pool.close();
  }
});
