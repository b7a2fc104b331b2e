/**
 * The corpus (rules/*.js, in the style of Auth0's public Rule templates): every Rule is
 * converted by `npm run migrate-rule` into a temporary directory. Those expected to convert
 * fully must exit 0 and pass `npm run parity` on their fixtures; the others must exit 1 and
 * list each construct left as a MIGRATION_TODO_*. Finally the TypeScript compiler itself
 * (tsc, the project's strict options) checks every fully converted handler together.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { migrateRuleCli } from "../../src/migrate/cli";
import { parityCli } from "../../src/parity/cli";
import { loadFixtureFile } from "../../src/parity/fixtures";
import { tempDir } from "../support/temp-dir";

const ROOT = join(__dirname, "..", "..");
const RULES = join(ROOT, "rules");
const rules = readdirSync(RULES)
  .filter((f) => f.endsWith(".js"))
  .sort()
  .map((f) => f.slice(0, -".js".length));

const project = tempDir("corpus");
const outDir = join(project, "actions", "post-login");
mkdirSync(outDir, { recursive: true });
const fullyConverted: string[] = [];

async function run(cli: typeof migrateRuleCli, argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const status = await cli(argv, { log: (t) => stdout.push(t), error: (t) => stderr.push(t) });
  return { status, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
}

it("has at least 60 Rules, each with fixtures and the conversion it is expected to give", () => {
  expect(rules.length).toBeGreaterThanOrEqual(60);
  for (const name of rules) expect(loadFixtureFile(join(RULES, `${name}.fixtures.json`)).migration).toBeDefined();
});

describe.each(rules)("rules/%s.js", (name) => {
  const ruleFile = join(RULES, `${name}.js`);
  const fixtureFile = loadFixtureFile(join(RULES, `${name}.fixtures.json`));
  const expected = fixtureFile.migration!;

  if (expected.fullyConverted) {
    it("converts fully (exit 0) and behaves like the Rule on its fixtures", async () => {
      const migration = await run(migrateRuleCli, [ruleFile, "--out", outDir]);
      expect(migration.stderr).toBe("");
      expect(migration.stdout).not.toContain("MIGRATION_TODO_");
      expect(migration.status).toBe(0);
      fullyConverted.push(name);

      const parity = await run(parityCli, [ruleFile, join(outDir, `${name}.ts`), "--timeout-ms", "5000"]);
      expect(parity.stdout).not.toContain("DIFFERENT");
      expect(parity.stdout).toContain(`${fixtureFile.fixtures.length} fixture(s): ${fixtureFile.fixtures.length} the same, 0 different`);
      expect(parity.status).toBe(0);
    });
  } else {
    it(`exits 1 and reports ${expected.todos.join(", ")}, left in the output`, async () => {
      const migration = await run(migrateRuleCli, [ruleFile, "--out", outDir]);
      expect(migration.status).toBe(1);
      const report = migration.stdout.slice(migration.stdout.indexOf("NOT CONVERTED:"));
      const reported = [
        ...new Set(report.split("\n").flatMap((line) => /^ {2}(?:line \d+|in the Action): (MIGRATION_TODO_\w+):/.exec(line)?.[1] ?? [])),
      ].sort();
      expect(reported).toEqual([...expected.todos].sort());
      const code = readFileSync(join(outDir, `${name}.ts`), "utf8");
      for (const marker of expected.todos) expect(code).toContain(`${marker} (Rule line `);
      expect(migration.stdout).toContain("Tenant configuration: not written until the Action converts fully");
    });
  }
});

it("type-checks every fully converted handler with tsc and the project's strict options", () => {
  expect(fullyConverted.length).toBe(
    rules.filter((n) => loadFixtureFile(join(RULES, `${n}.fixtures.json`)).migration!.fullyConverted).length,
  );
  mkdirSync(join(project, "actions", "types"), { recursive: true });
  for (const types of ["common.d.ts", "post-login-v3.d.ts", "post-login-v3-converted.d.ts"])
    cpSync(join(ROOT, "actions", "types", types), join(project, "actions", "types", types));
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      extends: join(ROOT, "tsconfig.json"),
      compilerOptions: { types: ["node"], typeRoots: [join(ROOT, "node_modules", "@types")] },
      include: fullyConverted.map((n) => `actions/post-login/${n}.ts`),
    }),
  );
  // Throws (failing the test, with tsc's messages) on any type error.
  execFileSync(join(ROOT, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", join(project, "tsconfig.json")], { encoding: "utf8" });
});
