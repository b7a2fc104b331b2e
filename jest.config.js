/**
 * The tests in three tiers, by what they start (README, "Tests"):
 *   unit         no server, no Terraform, no browser, no compiler over a corpus: `npm run test:unit`,
 *                under a minute on 2 cores
 *   integration  the real tools the project drives, without the local tenant: Terraform and the
 *                provider, actionlint (both built from Go modules before jest starts), tsc over the
 *                Rule and Hook corpora, the workflows' scripts through npm: `npm run test:integration`
 *   e2e          the local Auth0 tenant, headless Chromium, a throwaway PostgreSQL or the npm
 *                registry: `npm run test:e2e`
 * `npm test` runs all three. A new test file is a unit test unless listed below: list it here when
 * it starts Terraform, a server, a browser or a long tool run.
 */
const { existsSync, readdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");

const INTEGRATION = [
  "__tests__/cli/cdktf-synth.test.ts", // the cdktf CLI asks terraform for its version
  "__tests__/migrate-hook/corpus.test.ts", // tsc over the converted Hook corpus
  "__tests__/migrate/corpus.test.ts", // tsc over the converted Rule corpus
  "__tests__/migrate/seed.test.ts",
  "__tests__/plan/actionlint.test.ts",
  "__tests__/plan/cli.test.ts",
  "__tests__/plan/drift.test.ts", // plus a fake Management API on localhost
  "__tests__/plan/plan-empty-state.test.ts",
  "__tests__/plan/plan-saved-state.test.ts",
  "__tests__/plan/promote.test.ts",
  "__tests__/plan/secrets-canary.test.ts",
  "__tests__/plan/terraform-failures.test.ts",
  "__tests__/plan/workflows.test.ts", // each step runs `npm run tenants`
  "__tests__/migrate/parity.test.ts", // a sandboxed Node process per side and Rule
  "__tests__/sandbox/hostile-parity.test.ts", // sandboxed processes, the parity CLIs through tsx
  "__tests__/terraform/template-escape.property.test.ts", // terraform plan of generated names
  "__tests__/terraform/provider-pin.test.ts",
  "__tests__/terraform/provider-validates.test.ts",
];

const E2E = [
  "__tests__/adopt/adopt-e2e.test.ts",
  "__tests__/adopt/adopt-files.test.ts",
  "__tests__/adopt/adopt-hostile.test.ts",
  "__tests__/compat/cdktn-parity.test.ts", // installs CDK Terrain from the npm registry on first use
  "__tests__/deploy/deploy-verify.test.ts",
  "__tests__/deploy/rollback.test.ts",
  "__tests__/deploy/failed-build.test.ts", // the npm registry
  "__tests__/deploy/hostile-names.test.ts",
  "__tests__/deploy/kill-faults.test.ts", // PostgreSQL
  "__tests__/deploy/kill-anywhere.test.ts", // PostgreSQL, the deploy command killed and rerun
  "__tests__/deploy/one-init.test.ts",
  "__tests__/deploy/pg-lock.test.ts", // PostgreSQL
  "__tests__/deploy/rate-limit-storm.test.ts", // three local tenants at once
  "__tests__/deploy/unmanaged.test.ts",
  "__tests__/deploy/transitions.test.ts", // PostgreSQL
  "__tests__/local-tenant/conformance.test.ts",
  "__tests__/local-tenant/dependency-exists.test.ts", // the npm registry
  "__tests__/local-tenant/e2e.test.ts",
  "__tests__/local-tenant/faults.test.ts",
  "__tests__/local-tenant/login.test.ts",
  "__tests__/local-tenant/main-job.test.ts",
  "__tests__/local-tenant/modules-e2e.test.ts",
  "__tests__/local-tenant/odd-inputs.test.ts",
  "__tests__/local-tenant/oidc-e2e.test.ts", // Chromium
  "__tests__/local-tenant/oidc-relying-parties.test.ts", // builds a Go relying party
  "__tests__/local-tenant/oidc.test.ts",
  "__tests__/local-tenant/rules-hooks-seed.test.ts",
  "__tests__/local-tenant/triggers-e2e.test.ts",
  "__tests__/local-tenant/warm-actions.test.ts",
  "__tests__/sandbox/dependency-builds.test.ts", // the npm registry
  "__tests__/sandbox/escapes.test.ts",
];

// A renamed or deleted file must leave these lists too, or it would silently move to the unit tier.
for (const file of [...INTEGRATION, ...E2E]) {
  if (!existsSync(join(__dirname, file))) throw new Error(`jest.config.js: ${file} is listed in a test tier but does not exist`);
}

// And a new file that starts the local tenant, Terraform, a browser or a Go build must be listed: the
// unit tier is the one a newcomer runs first, and it must stay fast and self-contained.
const STARTS_SOMETHING =
  /startLocalTenant\(|runTerraform\(|terraformInit\(|deployTenant\(|planTenants\(|driftTenants\(|launchHeadlessChromium|"go", \["build"/;
const listed = new Set([...INTEGRATION, ...E2E]);
const testFiles = (dir) =>
  readdirSync(join(__dirname, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? testFiles(`${dir}/${entry.name}`) : entry.name.endsWith(".test.ts") ? [`${dir}/${entry.name}`] : [],
  );
for (const file of testFiles("__tests__")) {
  if (!listed.has(file) && STARTS_SOMETHING.test(readFileSync(join(__dirname, file), "utf8"))) {
    throw new Error(`jest.config.js: ${file} starts a server, Terraform, a browser or a build: list it under INTEGRATION or E2E`);
  }
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** What every tier shares. */
const base = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  // Transpile only: `npm run typecheck` type-checks everything once, faster than per-file checks.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  // Action Modules: handlers import "actions:<name>" as Auth0 resolves it (tsconfig.json "paths").
  moduleNameMapper: { "^actions:(.*)$": "<rootDir>/actions/modules/$1/index.ts" },
  setupFilesAfterEnv: ["<rootDir>/setup.js"],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 180000,
  projects: [
    {
      ...base,
      displayName: "unit",
      testMatch: ["<rootDir>/__tests__/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", ...[...INTEGRATION, ...E2E].map((file) => `^<rootDir>/${escape(file)}$`)],
    },
    { ...base, displayName: "integration", testMatch: INTEGRATION.map((file) => `<rootDir>/${file}`) },
    { ...base, displayName: "e2e", testMatch: E2E.map((file) => `<rootDir>/${file}`) },
  ],
};
