/**
 * The tenant-file side of a migration: the `actions:` entry (secrets from environment variables,
 * dependencies), written into a tenant file with its comments kept, validated before writing;
 * and the command's refusals (exit 2, nothing written).
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { migrateRuleCli } from "../../src/migrate/cli";
import { renderTenantSnippet, tenantActionEntry, TenantFileError, writeTenantEntry } from "../../src/migrate/tenant-entry";
import { tempDir } from "../support/temp-dir";

const dir = tempDir("tenant-entry");
const TENANT = `# Staging tenant: comments stay where they are.
domain: coop-staging.eu.auth0.com
claims:
  namespace: "" # as the Rule named them
  id_token: [usertype]
actions: []
`;
// The tenant schema checks that the handler file exists: validate against a handlers folder of the test's own.
const handlersDir = tempDir("tenant-entry-handlers");
for (const [trigger, handler] of [
  ["post-login", "add-metadata-claims"],
  ["post-login", "crm-sync"],
  ["credentials-exchange", "m2m-sync"],
]) {
  mkdirSync(join(handlersDir, trigger), { recursive: true });
  writeFileSync(join(handlersDir, trigger, `${handler}.ts`), "export const onExecute = async () => {};\n");
}
const entry = tenantActionEntry("crm-sync", [{ secret: "CRM_URL" }, { secret: "API_KEY" }], { request: "2.88.2" });

it("prints the entry a tenant file needs: secrets from RULE_CONFIG_* variables and exact dependencies", () => {
  expect(renderTenantSnippet(entry)).toBe(
    [
      "actions:",
      "  - handler: crm-sync",
      "    secrets:",
      "      CRM_URL: { env: RULE_CONFIG_CRM_URL }",
      "      API_KEY: { env: RULE_CONFIG_API_KEY }",
      "    dependencies:",
      "      request: 2.88.2",
      "",
    ].join("\n"),
  );
  expect(renderTenantSnippet(tenantActionEntry("x", [], {}))).toBe("actions:\n  - handler: x\n");
});

it("adds the entry, then updates it in place, keeping comments and the rest of the file", () => {
  const file = join(dir, "staging.yaml");
  writeFileSync(file, TENANT);
  expect(writeTenantEntry(file, entry, handlersDir)).toBe("added");
  expect(writeTenantEntry(file, tenantActionEntry("crm-sync", [], {}), handlersDir)).toBe("updated");
  const text = readFileSync(file, "utf8");
  expect(text).toContain("# Staging tenant: comments stay where they are.");
  expect(text).toContain('namespace: "" # as the Rule named them');
  expect(parse(text).actions).toEqual([{ handler: "crm-sync" }]);
});

it("writes into flows.<trigger> of a file in the flows shape, creating the flow when it is new", () => {
  const file = join(dir, "flows.yaml");
  writeFileSync(
    file,
    [
      "domain: coop-flows.eu.auth0.com",
      "claims:",
      '  namespace: ""',
      "  id_token: [usertype]",
      "flows:",
      "  post-login:",
      "    mode: authoritative # owns the flow",
      "    actions:",
      "      - handler: add-metadata-claims",
      "",
    ].join("\n"),
  );
  expect(writeTenantEntry(file, tenantActionEntry("crm-sync", [], {}), handlersDir)).toBe("added");
  expect(writeTenantEntry(file, tenantActionEntry("m2m-sync", [], {}), handlersDir, "credentials-exchange")).toBe("added");
  const text = readFileSync(file, "utf8");
  expect(text).toContain("mode: authoritative # owns the flow");
  expect(parse(text).flows).toEqual({
    "post-login": { mode: "authoritative", actions: [{ handler: "add-metadata-claims" }, { handler: "crm-sync" }] },
    "credentials-exchange": { mode: "append", actions: [{ handler: "m2m-sync" }] },
  });
});

it("writes nothing when the result would not be a valid tenant file", () => {
  const file = join(dir, "broken.yaml");
  writeFileSync(file, TENANT);
  expect(() => writeTenantEntry(file, tenantActionEntry("not-a-handler-here", [], {}))).toThrow(TenantFileError);
  expect(() => writeTenantEntry(file, tenantActionEntry("not-a-handler-here", [], {}))).toThrow(
    /actions\[0\]\.handler: actions\/post-login\/not-a-handler-here\.ts does not exist/,
  );
  expect(readFileSync(file, "utf8")).toBe(TENANT);
  expect(() => writeTenantEntry(join(dir, "missing.yaml"), entry)).toThrow("missing.yaml: tenant file not found");
});

describe("npm run migrate-rule refuses, writing nothing (exit 2)", () => {
  async function run(argv: string[]) {
    const out: string[] = [];
    const status = await migrateRuleCli(argv, { log: (t) => out.push(t), error: (t) => out.push(t) });
    return { status, output: out.join("\n") };
  }

  it("a Rule that does not parse, naming the line", async () => {
    const rule = join(dir, "broken-rule.js");
    writeFileSync(rule, "function (user, context, callback) {\n  if (user.email {\n    callback(null, user, context);\n}\n");
    const { status, output } = await run([rule, "--out", dir]);
    expect(status).toBe(2);
    expect(output).toMatch(/broken-rule\.js:2:\d+: not valid JavaScript/);
    expect(existsSync(join(dir, "broken-rule.ts"))).toBe(false);
  });

  it("a handler name that is not kebab-case, and a missing Rule file", async () => {
    expect(await run(["rules/add-roles-to-tokens.js", "--name", "Add_Roles", "--out", dir])).toMatchObject({
      status: 2,
      output: expect.stringContaining("a handler name is kebab-case"),
    });
    expect(await run([join(dir, "nope.js"), "--out", dir])).toMatchObject({
      status: 2,
      output: expect.stringContaining("cannot read the Rule file"),
    });
  });
});
