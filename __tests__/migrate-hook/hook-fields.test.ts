/**
 * Every Hook argument Auth0 documents (docs/hook-fields.md) keeps its meaning in the converted
 * Action. Each Hook below fails with the JSON of every documented field it can read, so parity —
 * which gives the Hook its documented arguments apart from the converter's table — compares each
 * value the Hook saw with the value the Action computes. Fields Auth0 does not document, or that
 * the Action's event does not carry, are MIGRATION_TODO_*s.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HOOK_KINDS, type HookType } from "../../src/migrate/hook/hook-types";
import { migrateHook } from "../../src/migrate/hook/migrate-hook";
import type { HookFixture } from "../../src/parity/hook/fixtures";
import { checkHookParity } from "../../src/parity/hook/run-parity";
import { bundleActionFile } from "../../src/parity/run-parity";
import { tempDir } from "../support/temp-dir";

const project = tempDir("hook-fields");
let written = 0;

function convert(source: string, hookType: HookType) {
  return migrateHook({ source, hookFile: "hooks/fields.js", hookType, handler: "fields" });
}

function fixture(name: string, event: Record<string, unknown>, http: HookFixture["http"] = []): HookFixture {
  return { name, event, secrets: {}, http };
}

/** Parity of the Hook and the Action's TypeScript, bundled as `npm run parity-hook` bundles a file. */
async function parity(source: string, hookType: HookType, actionTypeScript: string, fixtures: HookFixture[]) {
  const dir = join(project, "actions", HOOK_KINDS[hookType].trigger);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `fields-${++written}.ts`);
  writeFileSync(file, actionTypeScript);
  const actionCode = bundleActionFile(file);
  return checkHookParity({ hookSource: source, hookFile: "hooks/fields.js", hookType, actionCode, fixtures, timeoutMs: 5000 });
}

/** A Hook of the given signature that fails with the JSON of `fields` (what parity compares as the failure message). */
function reportingHook(params: string, fields: string[]): string {
  return `module.exports = function (${params}) {\n  cb(new Error(JSON.stringify([\n    ${fields.join(",\n    ")}\n  ])));\n};\n`;
}

const CASES: Array<{ hookType: HookType; params: string; fields: string[]; events: Array<Record<string, unknown>> }> = [
  {
    hookType: "credentials-exchange",
    params: "client, scope, audience, context, cb",
    fields: ["client.id", "client.name", "client.tenant", "client.metadata", "scope && scope.join(' ')", "audience", "context.body"],
    events: [
      {
        client: { client_id: "c-42", name: "Billing", metadata: { tier: "gold" } },
        accessToken: { scope: ["read:a", "write:b"] },
        resource_server: { identifier: "https://billing.example/" },
        tenant: { id: "acme-prod" },
        request: { body: { grant_type: "client_credentials", org_id: "org_1" } },
      },
      { accessToken: { scope: [] } },
    ],
  },
  {
    hookType: "pre-user-registration",
    params: "user, context, cb",
    fields: [
      "user.tenant",
      "user.username",
      "user.email",
      "user.phoneNumber",
      "user.user_metadata",
      "user.app_metadata",
      "context.requestLanguage",
      "context.request.ip",
      "context.request.language",
      "context.connection.id",
      "context.connection.name",
      "context.connection.tenant",
    ],
    events: [
      {
        user: { email: "a@example.com", username: "alice", phone_number: "+15555550101", user_metadata: { a: 1 } },
        connection: { id: "con_1", name: "db-main" },
        request: { ip: "198.51.100.7", language: "de" },
        tenant: { id: "acme-prod" },
      },
      { request: { ip: "2001:db8::7" } },
    ],
  },
  {
    hookType: "post-user-registration",
    params: "user, context, cb",
    fields: [
      "user.id",
      "user.tenant",
      "user.username",
      "user.email",
      "user.emailVerified",
      "user.phoneNumber",
      "user.phoneNumberVerified",
      "user.user_metadata",
      "user.app_metadata",
      "context.requestLanguage",
      "context.connection.id",
      "context.connection.name",
      "context.connection.tenant",
    ],
    events: [
      {
        user: { user_id: "auth0|65f0c0ffee", username: "bob", email_verified: true, phone_number: "+1555", phone_verified: true },
        request: { language: "fr" },
      },
      { user: { user_id: "email|65f0c0ffee|x" } },
    ],
  },
  {
    hookType: "post-change-password",
    params: "user, context, cb",
    fields: ["user.id", "user.username", "user.email", "user.last_password_reset", "context.connection.id", "context.connection.tenant"],
    events: [{ user: { user_id: "auth0|abc123", username: "carol" }, tenant: { id: "acme-prod" } }],
  },
  {
    hookType: "send-phone-message",
    params: "recipient, text, context, cb",
    fields: [
      "recipient",
      "text",
      "context.message_type",
      "context.action",
      "context.language",
      "context.code",
      "context.ip",
      "context.user_agent",
      "context.client.client_id",
      "context.client.name",
      "context.client.client_metadata",
      "context.user.user_id",
      "context.user.name",
      "context.user.email",
      "context.user.app_metadata",
      "context.user.user_metadata",
    ],
    events: [
      {
        user: { user_id: "auth0|test12345", name: "Billie Magnusson", email: "billie@example.com", user_metadata: { language: "de" } },
        client: { client_id: "c-7", name: "Mobile", metadata: { brand: "x" } },
        request: { language: "de", ip: "198.51.100.8", user_agent: "Agent/1" },
      },
    ],
  },
];

describe.each(CASES)("$hookType: every documented field", ({ hookType, params, fields, events }) => {
  it("converts fully and the Action computes each value the Hook saw", async () => {
    const source = reportingHook(params, fields);
    const result = await convert(source, hookType);
    expect(result.todos).toEqual([]);
    expect(result.typeProblems).toEqual([]);
    const report = await parity(
      source,
      hookType,
      result.code,
      events.map((event, i) => fixture(`event ${i + 1}`, event)),
    );
    for (const r of report.results) {
      expect(r.hook?.result).toBe("failed");
      expect(r.differences).toEqual([]);
    }
  });
});

describe("the database Hooks' user.id is the id without its connection prefix", () => {
  const source = `module.exports = function (user, context, cb) {
    const request = require('request@2.88.2');
    request.put({ url: 'https://crm.example.com/users/' + encodeURIComponent('auth0|' + user.id), json: {} }, function (err) { cb(err); });
  };`;
  const fixtures = [
    fixture("links", { user: { user_id: "auth0|u1" } }, [
      { method: "PUT", url: "https://crm.example.com/users/auth0%7Cu1", status: 200, body: {} },
    ]),
  ];

  it.each(["post-user-registration", "post-change-password"] as const)(
    "%s: 'auth0|' + user.id reaches the CRM once prefixed",
    async (hookType) => {
      const result = await convert(source, hookType);
      expect(result.fullyConverted).toBe(true);
      expect(result.code).toContain('"auth0|" + event.user.user_id.replace(/^[^|]*\\|/, "")');
      const report = await parity(source, hookType, result.code, fixtures);
      expect(report.results[0].hook?.http).toEqual(["PUT https://crm.example.com/users/auth0%7Cu1"]);
      expect(report.equal).toBe(true);
    },
  );

  it("parity reports the prefixed id the earlier mapping (user.id → event.user.user_id) gave", async () => {
    const result = await convert(source, "post-user-registration");
    const prefixedTwice = result.code.replace('event.user.user_id.replace(/^[^|]*\\|/, "")', "event.user.user_id");
    expect(prefixedTwice).not.toBe(result.code);
    const report = await parity(source, "post-user-registration", prefixedTwice, fixtures);
    expect(report.equal).toBe(false);
    expect(report.results[0].action?.http).toEqual(["PUT https://crm.example.com/users/auth0%7Cauth0%7Cu1"]);
  });
});

describe("fields Auth0 does not document, or the Action's event lacks, are TODOs", () => {
  it.each([
    ["send-phone-message", "recipient, text, context, cb", "context.client_id", "MIGRATION_TODO_CONTEXT"],
    ["send-phone-message", "recipient, text, context, cb", "context.client_metadata", "MIGRATION_TODO_CONTEXT"],
    ["send-phone-message", "recipient, text, context, cb", "context.user.phone_number", "MIGRATION_TODO_CONTEXT"],
    ["pre-user-registration", "user, context, cb", "context.ip", "MIGRATION_TODO_CONTEXT"],
    ["pre-user-registration", "user, context, cb", "context.renderLanguage", "MIGRATION_TODO_CONTEXT"],
    ["pre-user-registration", "user, context, cb", "user.password", "MIGRATION_TODO_USER_FIELD"],
    ["pre-user-registration", "user, context, cb", "user.phoneNumberVerified", "MIGRATION_TODO_USER_FIELD"],
    ["post-user-registration", "user, context, cb", "context.ip", "MIGRATION_TODO_CONTEXT"],
    ["credentials-exchange", "client, scope, audience, context, cb", "context.ip", "MIGRATION_TODO_CONTEXT"],
  ] as const)("%s: %s → %s", async (hookType, params, field, marker) => {
    const result = await convert(reportingHook(params, [field]), hookType);
    expect(result.fullyConverted).toBe(false);
    expect(result.todos.map((t) => t.marker)).toEqual([marker]);
    expect(result.code).toMatch(new RegExp(`\\b${marker}\\b`));
  });
});

it("pre-user-registration: a documented field the Action lacks says why; a rebuilt user says what it lacks", async () => {
  const read = await convert(reportingHook("user, context, cb", ["user.password"]), "pre-user-registration");
  expect(read.code).toContain("MIGRATION_TODO_USER_FIELD");
  expect(read.todos[0].message).toContain("the Action's event never carries the signup's password");
  const whole = await convert(
    `module.exports = function (user, context, cb) { const response = {}; response.user = user; cb(null, response); };`,
    "pre-user-registration",
  );
  expect(whole.fullyConverted).toBe(true);
  expect(whole.notes.map((n) => n.message)).toContain(
    "the rebuilt user has no password, emailVerified, phoneNumberVerified: the Hook's user had them, the Action's event does not",
  );
});
