/**
 * `npm run tenants:migrate`: a legacy tenant file (post_login_flow + actions) becomes the flows
 * shape with the same meaning (the loader gives the same Tenant), its comments kept; a second run
 * changes nothing.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseTenantFile } from "../../src/config/load-tenants";
import { migrateTenantText, TenantMigrationError } from "../../src/config/migrate-tenant-file";
import { tempDir } from "../support/temp-dir";

const ROOT = join(__dirname, "..", "..");
// Handlers of the test's own: the schema checks that each named handler file exists.
const handlers = tempDir("migrate-tenant-handlers");
mkdirSync(join(handlers, "post-login"));
for (const h of ["add-metadata-claims", "fraud-check"]) writeFileSync(join(handlers, "post-login", `${h}.ts`), "export {};\n");

const LEGACY = `# Extra tenant: comments stay.
domain: extra.eu.auth0.com
claims:
  namespace: "https://claims.example.com"
  id_token: [usertype, coops]
# Owns the whole flow.
post_login_flow: authoritative # nobody else binds here
actions:
  # converted from the Rule
  - handler: fraud-check
    name: Fraud check
    secrets: { API_KEY: { env: AUTH0_SECRET_API_KEY } }
    secrets_version: 2
    dependencies: { axios: 1.7.9 }
backend: { type: local, path: state/extra.tfstate }
`;

const tenantOf = (text: string) => {
  const parsed = parseTenantFile("extra.yaml", text, handlers);
  if ("problems" in parsed) throw new Error(JSON.stringify(parsed.problems));
  return parsed.tenant;
};

it("rewrites to flows with the same meaning, the claims Action listed first", () => {
  const result = migrateTenantText(LEGACY);
  if (!result.changed) throw new Error(result.reason);
  expect(tenantOf(result.text)).toEqual(tenantOf(LEGACY));
  expect(tenantOf(result.text).flows["post-login"]?.actions.map((a) => a.handler)).toEqual(["add-metadata-claims", "fraud-check"]);
  expect(result.text).not.toMatch(/post_login_flow|^actions:/m);
});

it("keeps every comment, next to what it described", () => {
  const result = migrateTenantText(LEGACY);
  if (!result.changed) throw new Error(result.reason);
  for (const comment of ["# Extra tenant: comments stay.", "# Owns the whole flow.", "mode: authoritative # nobody else binds here"])
    expect(result.text).toContain(comment);
  expect(result.text).toMatch(/# converted from the Rule\n\s+- handler: fraud-check/);
});

it("converges: a migrated file is left alone", () => {
  const result = migrateTenantText(LEGACY);
  if (!result.changed) throw new Error(result.reason);
  expect(migrateTenantText(result.text)).toEqual({ changed: false, reason: "already uses flows" });
});

it("a file with only the claims settings gets the post-login flow the loader gives it (append)", () => {
  const minimal = 'domain: min.eu.auth0.com\nclaims: { namespace: "", id_token: [usertype] }\n';
  const result = migrateTenantText(minimal);
  if (!result.changed) throw new Error(result.reason);
  expect(tenantOf(result.text)).toEqual(tenantOf(minimal));
  expect(tenantOf(result.text).flows).toEqual({
    "post-login": { mode: "append", actions: [expect.objectContaining({ handler: "add-metadata-claims" })] },
  });
});

it("refuses a file that mixes flows and legacy fields, saying what to do", () => {
  expect(() => migrateTenantText(`${LEGACY}flows: {}\n`, "tenants/extra.yaml")).toThrow(TenantMigrationError);
  expect(() => migrateTenantText(`${LEGACY}flows: {}\n`, "tenants/extra.yaml")).toThrow(/tenants\/extra\.yaml: has both flows and legacy/);
});

it("the command rewrites a folder, validates, and says what it did; run again it changes nothing", () => {
  const dir = tempDir("migrate-tenants");
  writeFileSync(
    join(dir, "dev.yaml"),
    'domain: dev.eu.auth0.com\nclaims: { namespace: "", id_token: [usertype] }\npost_login_flow: append # safe\n',
  );
  const run = () =>
    spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), [join(ROOT, "scripts", "tenants-migrate.ts"), dir], {
      cwd: ROOT,
      encoding: "utf8",
    });
  const first = run();
  expect(first.status).toBe(0);
  expect(first.stdout).toContain(`${join(dir, "dev.yaml")}: rewritten to flows`);
  expect(readFileSync(join(dir, "dev.yaml"), "utf8")).toContain("mode: append # safe");
  const second = run();
  expect(second.status).toBe(0);
  expect(second.stdout).toContain("unchanged (already uses flows)");
});
