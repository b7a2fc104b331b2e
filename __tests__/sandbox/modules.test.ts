/**
 * Action Modules in the sandbox: `require("actions:<name>")` loads the code of the module version
 * the Action is pinned to, in the same process and under the same permission model.
 */
import { runInSandbox } from "../../src/sandbox/sandbox";

const run = (code: string, modules?: Record<string, string>) =>
  runInSandbox({
    code,
    trigger: "post-login",
    exportName: "onExecutePostLogin",
    event: { user: { user_id: "auth0|1", name: "Kazuyuki" } },
    ...(modules ? { modules } : {}),
  });

const ACTION = `const { greeting } = require("actions:greeting");
exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim("greeting", greeting(event.user.name)); };`;

it("an Action requires a pinned module by name; the module is loaded once per execution", async () => {
  const result = await run(
    `const a = require("actions:greeting"); const b = require("actions:greeting");
exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim("same", a === b); api.idToken.setCustomClaim("greeting", a.greeting(event.user.name)); };`,
    { greeting: 'globalThis.loads = (globalThis.loads ?? 0) + 1; exports.greeting = (n) => "Hello, " + n + " #" + globalThis.loads;' },
  );
  expect(result.error).toBeUndefined();
  expect(result.calls).toEqual([
    { path: "idToken.setCustomClaim", args: ["same", true] },
    { path: "idToken.setCustomClaim", args: ["greeting", "Hello, Kazuyuki #1"] },
  ]);
});

it("requiring a module the Action is not pinned to fails the execution with Auth0's MODULE_NOT_FOUND kind of message", async () => {
  const result = await run(ACTION);
  expect(result.failure).toBe("error");
  expect(result.error).toBe(`Cannot find module 'actions:greeting': the Action is not pinned to an Action Module named "greeting"`);
});

it("a module's code runs under the Action's permissions: no file system beyond them", async () => {
  const result = await run(ACTION, {
    greeting: 'exports.greeting = () => require("node:fs").readFileSync("/etc/hostname", "utf8");',
  });
  expect(result.failure).toBe("error");
  expect(result.error).toMatch(/Access to this API has been restricted|ERR_ACCESS_DENIED/);
});

it("a module with a syntax error fails the execution", async () => {
  const result = await run(ACTION, { greeting: "exports.greeting = (" });
  expect(result.failure).toBe("error");
  expect(result.error).toMatch(/Unexpected end of input|Unexpected token/);
});
