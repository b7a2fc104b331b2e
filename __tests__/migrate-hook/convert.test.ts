/**
 * Hook → Action conversions: what each construct becomes, and the never-silent rule (anything
 * without an exact Action equivalent is a MIGRATION_TODO_* that fails type-checking).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { flowsSnippet, migrateHookCli } from "../../src/migrate/hook/cli";
import type { HookType } from "../../src/migrate/hook/hook-types";
import { migrateHook } from "../../src/migrate/hook/migrate-hook";
import { runCli } from "../support/migrate-hook";
import { tempDir } from "../support/temp-dir";

function convert(source: string, hookType: HookType = "credentials-exchange", handler = "converted-hook") {
  return migrateHook({ source, hookFile: "hooks/test-hook.js", hookType, handler });
}

function markers(result: { todos: Array<{ marker: string }> }): string[] {
  return [...new Set(result.todos.map((t) => t.marker))].sort();
}

it("direct form: callback calls become api calls, arguments become event fields", async () => {
  const result = await convert(`module.exports = function (client, scope, audience, context, cb) {
    var token = {};
    token.scope = scope;
    if (client.metadata.blocked) return cb(new InvalidScopeError('blocked ' + client.id));
    token['https://example.com/aud'] = audience;
    cb(null, token);
  };`);
  expect(result.fullyConverted).toBe(true);
  expect(result.callbackForm).toBe("direct");
  expect(result.code).toContain('api.access.deny("invalid_scope", "blocked " + event.client.client_id);');
  expect(result.code).toContain("event.resource_server.identifier");
  expect(result.code).toContain("setHookClaims(api, token);");
  expect(result.code.slice(result.code.indexOf("export const"))).not.toMatch(/\bcb\(/);
});

it("promise form: a callback called later runs the Hook body inside a Promise it settles", async () => {
  const result = await convert(
    `module.exports = function (user, context, cb) {
      setTimeout(function () {
        if (user.email.endsWith('@blocked.example')) return cb(new PreUserRegistrationError('blocked', 'Not allowed'));
        cb(null, { user: { app_metadata: { checked: true } } });
      }, 1);
    };`,
    "pre-user-registration",
  );
  expect(result.fullyConverted).toBe(true);
  expect(result.callbackForm).toBe("promise");
  expect(result.code).toContain("await new Promise<any>((hookResolve, hookReject) =>");
  expect(result.code).toContain("return failAsHook(api, error);");
  expect(result.code).toContain("class PreUserRegistrationError extends Error");
  expect(result.code).toContain("setHookMetadata(api, hookResponse);");
});

it("a field without an Action equivalent is a TODO, never dropped", async () => {
  const result = await convert(
    `module.exports = function (user, context, cb) {
      const verified = user.emailVerified;
      const lang = context.renderLanguage;
      const all = context.webtask.secrets;
      const stored = context.webtask.meta;
      cb(null, { user: { user_metadata: { verified: verified, lang: lang, n: Object.keys(all).length, stored: stored } } });
    };`,
    "pre-user-registration",
  );
  expect(result.fullyConverted).toBe(false);
  expect(markers(result)).toEqual([
    "MIGRATION_TODO_CONTEXT",
    "MIGRATION_TODO_SECRETS",
    "MIGRATION_TODO_USER_FIELD",
    "MIGRATION_TODO_WEBTASK",
  ]);
  for (const marker of markers(result)) expect(result.code).toMatch(new RegExp(`\\b${marker}\\b`));
  expect(result.code).toContain("// MIGRATION_TODO_USER_FIELD (Hook line 2): the Hook's user.emailVerified has no equivalent");
  expect(result.code).not.toContain("Rule");
  expect(result.typeProblems).toEqual([]);
});

it("module-level state the Hook changes on each run is MIGRATION_TODO_MODULE_STATE; what the module sets up once is not", async () => {
  const result = await convert(`const limits = { default: 10 };
limits.gold = 100;
let issued = 0;
const seen = [];
const byClient = { counts: {} };
function remember(id) { seen.push(id); }
module.exports = function (client, scope, audience, context, cb) {
  issued++;
  remember(client.id);
  byClient.counts[client.id] = limits.default;
  cb(null, { scope: scope, 'https://example.com/n': issued + seen.length });
};`);
  expect(markers(result)).toEqual(["MIGRATION_TODO_MODULE_STATE"]);
  // Lines 6 (the helper), 8 and 10; not line 2, which runs once when the module loads.
  expect(result.todos.map((t) => t.line).sort()).toEqual([10, 6, 8]);
  expect(result.todos[0].message).toMatch(/reused across executions and would carry it from one user to the next/);
  expect(result.code).toContain("MIGRATION_TODO_MODULE_STATE(issued++)");
  expect(result.code).toContain("MIGRATION_TODO_MODULE_STATE(seen).push(id)");
  expect(result.code).toContain("(limits as any).gold = 100;");
  expect(result.typeProblems).toEqual([]);
});

it("credentials exchange: any change of the token's scopes, or a response without them, is MIGRATION_TODO_SCOPE", async () => {
  const noScope = await convert(
    `module.exports = function (client, scope, audience, context, cb) { cb(null, { 'https://x.example/a': 1 }); };`,
  );
  expect(markers(noScope)).toEqual(["MIGRATION_TODO_SCOPE"]);
  const pushed = await convert(
    `module.exports = function (client, scope, audience, context, cb) { const t = { scope: scope }; t.scope.push('x'); cb(null, t); };`,
  );
  expect(markers(pushed)).toEqual(["MIGRATION_TODO_SCOPE"]);
  const kept = await convert(
    `module.exports = function (client, scope, audience, context, cb) { const t = { scope: scope }; if (scope && scope.indexOf('admin') >= 0) t['https://x.example/admin'] = true; cb(null, t); };`,
  );
  expect(kept.fullyConverted).toBe(true);
});

it("secrets and versioned requires become the tenant entry's secrets and dependencies", async () => {
  const result = await convert(
    `module.exports = function (user, context, cb) {
      const axios = require('axios@1.7.9');
      axios.post(context.webtask.secrets.webhookUrl, { id: user.id }).then(function () { cb(); }, cb);
    };`,
    "post-user-registration",
    "notify",
  );
  expect(result.fullyConverted).toBe(true);
  expect(result.code).toContain("event.secrets.WEBHOOK_URL");
  expect(result.code).toContain('const axios = require("axios");');
  expect(result.secrets).toEqual([{ hookSecret: "webhookUrl", secret: "WEBHOOK_URL" }]);
  expect(flowsSnippet(result)).toBe(
    [
      "flows:",
      "  post-user-registration:",
      "    mode: append",
      "    actions:",
      "      - handler: notify",
      "        secrets:",
      "          WEBHOOK_URL:",
      "            env: AUTH0_SECRET_WEBHOOK_URL",
      "        dependencies:",
      "          axios: 1.7.9",
      "",
    ].join("\n"),
  );
});

it("an unused response that calls something is still evaluated", async () => {
  const result = await convert(
    `module.exports = function (user, context, cb) { cb(null, { sent: notify(user.email) }); function notify(e) { console.log(e); return true; } };`,
    "post-change-password",
  );
  expect(result.fullyConverted).toBe(true);
  expect(result.code).toMatch(/sent: notify\(event\.user\.email\)/);
});

it("a Hook using its user as a whole gets a local rebuilt from the event; its own `event`/`api` are renamed", async () => {
  const result = await convert(
    `module.exports = function (user, context, cb) {
      var event = { who: user };
      cb(null, { user: { user_metadata: { copy: event.who.email } } });
    };`,
    "pre-user-registration",
  );
  expect(result.fullyConverted).toBe(true);
  expect(result.code).toMatch(/const user = \{\s*tenant: event\.tenant\.id,/);
  expect(result.code).toContain("var hookEvent = {");
  expect(result.notes.map((n) => n.message)).toContain("renamed the Hook's own `event` to `hookEvent` (the Action uses that name)");
});

it("is deterministic: the same Hook gives the same bytes", async () => {
  const source = readFileSync(join(__dirname, "..", "..", "hooks", "m2m-entitlements-from-api.js"), "utf8");
  const [a, b] = await Promise.all([convert(source), convert(source)]);
  expect(a.code).toBe(b.code);
});

describe("npm run migrate-hook", () => {
  const dir = tempDir("migrate-hook");

  it("exits 2 without writing on bad arguments, naming what is allowed", async () => {
    const hook = join(dir, "h.js");
    writeFileSync(hook, "module.exports = function (user, context, cb) { cb(); };");
    const missing = await runCli(migrateHookCli, [hook]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(
      "--trigger is required: one of credentials-exchange, pre-user-registration, post-user-registration, post-change-password, send-phone-message",
    );
    const unknown = await runCli(migrateHookCli, [hook, "--trigger", "post-login"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--trigger "post-login" is not a Hook type');
    expect(unknown.stderr).not.toContain("password-exchange");
    // Auth0's beta password-exchange Hooks have no Action trigger: the error says where they go instead.
    const passwordExchange = await runCli(migrateHookCli, [hook, "--trigger", "password-exchange"]);
    expect(passwordExchange.status).toBe(2);
    expect(passwordExchange.stderr).toContain("Auth0 runs post-login Actions for the password grant");
    const protoName = await runCli(migrateHookCli, [hook, "--trigger", "__proto__"]);
    expect(protoName.stderr).not.toContain("[object Object]");
    const badName = await runCli(migrateHookCli, [hook, "--trigger", "post-change-password", "--name", "Bad Name"]);
    expect(badName.status).toBe(2);
  });

  it("exits 2 on a Hook that does not parse, with file, line and column, and on one without module.exports", async () => {
    const broken = join(dir, "broken.js");
    writeFileSync(broken, "module.exports = function (user, context, cb) {\n  cb(null, {;\n};\n");
    const result = await runCli(migrateHookCli, [broken, "--trigger", "post-change-password", "--out", dir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/broken\.js:2:\d+: /);
    expect(result.stderr).toContain("Nothing written");
    const noExport = join(dir, "no-export.js");
    writeFileSync(noExport, "function hook(user, context, cb) { cb(); }\n");
    const none = await runCli(migrateHookCli, [noExport, "--trigger", "post-change-password", "--out", dir]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("module.exports = function (...)");
  });

  it("writes actions/<trigger>/<name>.ts under --out; exits 1 when TODOs remain", async () => {
    const hook = join(dir, "storage-hook.js");
    writeFileSync(hook, "module.exports = function (user, context, cb) { context.storage.get(function () { cb(); }); };");
    const result = await runCli(migrateHookCli, [hook, "--trigger", "post-user-registration", "--out", dir]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("MIGRATION_TODO_STORAGE");
    expect(readFileSync(join(dir, "storage-hook.ts"), "utf8")).toContain("MIGRATION_TODO_STORAGE");
  });
});

it("a user variable the Hook only writes is kept: no repair leaves a write to an undeclared name", async () => {
  const result = await convert(
    `module.exports = function (user, context, cb) {
    var response = {};
    response.user = { user_metadata: { icecream: 'coffee' } };
    user = response.user;
    cb(null, response);
  };`,
    "pre-user-registration",
  );
  expect(result.repairs["unused side-effect-free variable removed"]).toBeUndefined();
  expect(result.typeProblems.map((p) => p.message).join("\n")).not.toContain("Cannot find name");
  // Still not "fully converted": the never-read variable is named for the author to delete.
  expect(result.fullyConverted).toBe(false);
  expect(result.typeProblems.map((p) => p.message).join("\n")).toContain("'user' is declared but its value is never read");
});

it("a computed key from a field that may be undefined is cast, not left as a type error", async () => {
  const result = await convert(
    `module.exports = function (user, context, cb) {
    console.log(JSON.stringify({ guestlist: { [user.email]: {} } }));
    cb();
  };`,
    "post-user-registration",
  );
  expect(result.typeProblems).toEqual([]);
  expect(result.code).toContain("[event.user.email as any]: {}");
  expect(result.fullyConverted).toBe(true);
});
