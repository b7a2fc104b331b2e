/**
 * The Hooks runtime used by parity, held to the contract Auth0 documented for Hooks: module.exports
 * called with the type's arguments, context.webtask.secrets, the callback's (error, response),
 * the type's error classes as globals, require('pkg@version'), one result only, a time limit.
 */
import { HOOK_KINDS } from "../../src/migrate/hook/hook-types";
import { runHook } from "../../src/parity/hook/hooks-runtime";

const cx = HOOK_KINDS["credentials-exchange"];
const preReg = HOOK_KINDS["pre-user-registration"];
const client = { id: "cli_1", name: "App", tenant: "t", metadata: { tier: "gold" } };

function run(
  source: string,
  kind = cx,
  args: unknown[] = [client, ["read:data"], "https://api.example.com/"],
  secrets: Record<string, string> = {},
  options = {},
) {
  return runHook(source, "hook.js", kind, args, secrets, { body: { grant_type: "client_credentials" } }, options);
}

it("calls module.exports with the arguments, context (with webtask.secrets) and records cb(null, response)", async () => {
  const result = await run(
    `module.exports = function (client, scope, audience, context, cb) {
       cb(null, { scope: scope, 'https://x.example/c': client.metadata.tier + ' ' + audience + ' ' + context.webtask.secrets.K + ' ' + context.body.grant_type });
     };`,
    cx,
    undefined,
    { K: "v" },
  );
  expect(result.error).toBeUndefined();
  expect(result.failure).toBeUndefined();
  expect(result.response).toEqual({ scope: ["read:data"], "https://x.example/c": "gold https://api.example.com/ v client_credentials" });
});

it("a truthy first argument fails the Hook; the error classes of the type are globals with their names", async () => {
  const denied = await run(`module.exports = function (c, s, a, ctx, cb) { cb(new InvalidScopeError('no')); };`);
  expect(denied.error).toEqual({ name: "InvalidScopeError", message: "no" });
  const request = await run(
    `module.exports = function (c, s, a, ctx, cb) { const e = new InvalidRequestError('bad'); cb(e instanceof Error ? e : null); };`,
  );
  expect(request.error).toEqual({ name: "InvalidRequestError", message: "bad" });
  const signup = await run(
    `module.exports = function (user, ctx, cb) { cb(new PreUserRegistrationError('reason', 'for the user')); };`,
    preReg,
    [{ email: "a@b.c" }],
  );
  expect(signup.error).toEqual({ name: "PreUserRegistrationError", message: "reason", userMessage: "for the user" });
  const plain = await run(`module.exports = function (c, s, a, ctx, cb) { cb('text'); };`);
  expect(plain.error).toEqual({ name: "string", message: "text" });
  // A class of another Hook type does not exist here.
  const other = await run(`module.exports = function (c, s, a, ctx, cb) { cb(null, { t: typeof PreUserRegistrationError }); };`);
  expect(other.response).toEqual({ t: "undefined" });
});

it("a falsy first argument is success; only the first call counts", async () => {
  const result = await run(
    `module.exports = function (c, s, a, ctx, cb) { cb(undefined, { n: 1 }); cb(null, { n: 2 }); cb(new Error('late')); };`,
  );
  expect(result.error).toBeUndefined();
  expect(result.response).toEqual({ n: 1 });
});

it("a throw, or an async Hook's rejection, fails it like cb(error)", async () => {
  expect((await run(`module.exports = function () { throw new ServerError('boom'); };`)).error).toEqual({
    name: "ServerError",
    message: "boom",
  });
  expect((await run(`module.exports = async function () { await null; throw new Error('later'); };`)).error).toEqual({
    name: "Error",
    message: "later",
  });
});

it("answers require('pkg@version') from the given modules first (HTTP doubles), and Node built-ins", async () => {
  const result = await run(
    `module.exports = function (c, s, a, ctx, cb) {
       const request = require('request@2.88.2');
       const crypto = require('crypto');
       cb(null, { r: request.marker, h: crypto.createHash('sha256').update('x').digest('hex').slice(0, 8) });
     };`,
    cx,
    undefined,
    {},
    { modules: { request: { marker: "double" } } },
  );
  expect(result.response).toEqual({ r: "double", h: "2d711642" });
});

it("fails a Hook that never calls back within the time limit, and a module that exports no function", async () => {
  const silent = await run(`module.exports = function () {};`, cx, undefined, {}, { timeoutMs: 50 });
  expect(silent.failure).toBe("the Hook did not call its callback within 0.05 seconds");
  expect((await run(`module.exports = 42;`)).failure).toBe("module.exports is not a function");
  expect((await run(`module.exports = function (`)).failure).toMatch(/Unexpected token|Unexpected end/);
});

it("gives each run fresh arguments: a Hook that mutates them changes nothing outside", async () => {
  const args = [{ ...client, metadata: { tier: "gold" } }, ["read:data"], "aud"];
  await run(
    `module.exports = function (client, scope, a, ctx, cb) { client.metadata.tier = 'x'; scope.push('extra'); cb(null, {}); };`,
    cx,
    args,
  );
  expect(args).toEqual([{ ...client, metadata: { tier: "gold" } }, ["read:data"], "aud"]);
});

it("records console output", async () => {
  const result = await run(`module.exports = function (c, s, a, ctx, cb) { console.log('hello', { a: 1 }); cb(); };`);
  expect(result.logs).toEqual(['hello {"a":1}']);
});
