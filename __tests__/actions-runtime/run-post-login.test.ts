/** The Actions sandbox: how Action code is loaded, called, limited and recorded. */
import { runPostLogin } from "../../src/actions-runtime/run-post-login";
import { postLoginEvent } from "../support/events";

const LIMIT = { timeoutMs: 300 };

it("records every api call under its official name", async () => {
  const code = `exports.onExecutePostLogin = async (event, api) => {
    api.idToken.setCustomClaim("https://c.example/a", 1);
    api.accessToken.setCustomClaim("https://c.example/b", [2]).accessToken.addScope("read:coops").accessToken.removeScope("admin"); // each call returns api
    api.user.setAppMetadata("seen", true);
    api.user.setUserMetadata("theme", "dark");
    api.multifactor.enable("any", { allowRememberBrowser: false });
    api.redirect.sendUserTo("https://consent.example", { query: { step: "1" } });
    console.log("user", event.user.user_id);
  };`;
  const outcome = await runPostLogin(code, postLoginEvent());
  expect(outcome).toEqual({
    idTokenClaims: { "https://c.example/a": 1 },
    accessTokenClaims: { "https://c.example/b": [2] },
    addedScopes: ["read:coops"],
    removedScopes: ["admin"],
    appMetadata: { seen: true },
    userMetadata: { theme: "dark" },
    multifactor: { provider: "any", options: { allowRememberBrowser: false } },
    redirect: { url: "https://consent.example", query: { step: "1" } },
    samlAttributes: {},
    logs: ["user auth0|5f7c8ec7c33c6c004bbafe82"],
  });
});

it("keeps the first deny reason, as Auth0 ends the flow at the first deny", async () => {
  const outcome = await runPostLogin(
    `exports.onExecutePostLogin = async (e, api) => { api.access.deny("first"); api.access.deny("second"); };`,
    postLoginEvent(),
  );
  expect(outcome.denied).toEqual({ reason: "first" });
});

it("gives the Action a copy of the event: changes to it do not leak to the caller", async () => {
  const event = postLoginEvent();
  await runPostLogin(`exports.onExecutePostLogin = async (e) => { e.user.app_metadata.usertype = "admin"; };`, event);
  expect(event.user.app_metadata.usertype).toBe("member");
});

it.each([
  ["a synchronous endless loop in the handler", `exports.onExecutePostLogin = async () => { while (true) {} };`],
  ["an endless loop at module load", `while (true) {}`],
  ["a handler that never settles", `exports.onExecutePostLogin = () => new Promise(() => {});`],
])("stops %s at the time limit and reports it", async (_label, code) => {
  const outcome = await runPostLogin(code, postLoginEvent(), LIMIT);
  expect(outcome.error).toBe("Script execution did not complete within 0.3 seconds");
});

it.each([
  ["a thrown error", `exports.onExecutePostLogin = async () => { throw new TypeError("boom"); };`, "boom"],
  ["a syntax error", `exports.onExecutePostLogin = async (event, api) => {`, "Unexpected end of input"],
  ["no onExecutePostLogin export", `exports.somethingElse = () => {};`, "the code does not export onExecutePostLogin"],
  [
    "a require of an undeclared package",
    `const x = require("left-pad"); exports.onExecutePostLogin = async () => {};`,
    "Cannot find module 'left-pad'",
  ],
])("reports %s without throwing", async (_label, code, message) => {
  const outcome = await runPostLogin(code, postLoginEvent());
  expect(outcome.error).toContain(message);
});

it("evaluates each run in a fresh context: globals do not survive between logins", async () => {
  const code = `globalThis.count = (globalThis.count || 0) + 1; exports.onExecutePostLogin = async (e, api) => { api.idToken.setCustomClaim("n", globalThis.count); };`;
  const first = await runPostLogin(code, postLoginEvent());
  const second = await runPostLogin(code, postLoginEvent());
  expect([first.idTokenClaims.n, second.idTokenClaims.n]).toEqual([1, 1]);
});
