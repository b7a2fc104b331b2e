/**
 * The Hook corpus (hooks/*.js, in the style of Auth0's Hook templates and common uses): every
 * Hook is converted by `npm run migrate-hook` into a temporary project. Those expected to convert
 * fully must exit 0 and pass `npm run parity-hook` on their fixtures (no silent difference);
 * the others must exit 1 and list each construct left as a MIGRATION_TODO_*, which tsc rejects.
 * The conversion rate docs/hook-migration.md and the README state is the one measured here.
 */
import { execFileSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { migrateHookCli } from "../../src/migrate/hook/cli";
import { HOOK_KINDS, HOOK_TYPES } from "../../src/migrate/hook/hook-types";
import { parityHookCli } from "../../src/parity/hook/cli";
import { loadHookFixtureFile } from "../../src/parity/hook/fixtures";
import { reportedTodos, runCli } from "../support/migrate-hook";
import { tempDir } from "../support/temp-dir";

const ROOT = join(__dirname, "..", "..");
const HOOKS = join(ROOT, "hooks");
const hooks = readdirSync(HOOKS)
  .filter((f) => f.endsWith(".js"))
  .sort()
  .map((f) => f.slice(0, -".js".length));

const project = tempDir("hook-corpus");
const converted: Array<{ name: string; file: string; full: boolean }> = [];
let silentDifferences = 0;

it("has at least 15 Hooks covering every Hook type, each with fixtures and its expected conversion", () => {
  expect(hooks.length).toBeGreaterThanOrEqual(15);
  const types = new Set(hooks.map((name) => loadHookFixtureFile(join(HOOKS, `${name}.fixtures.json`)).trigger));
  expect([...types].sort()).toEqual([...HOOK_TYPES].sort());
});

describe.each(hooks)("hooks/%s.js", (name) => {
  const hookFile = join(HOOKS, `${name}.js`);
  const fixtureFile = loadHookFixtureFile(join(HOOKS, `${name}.fixtures.json`));
  const kind = HOOK_KINDS[fixtureFile.trigger];
  const outDir = join(project, "actions", kind.trigger);
  const outFile = join(outDir, `${name}.ts`);

  if (fixtureFile.migration.fullyConverted) {
    it(`converts fully to a ${kind.trigger} Action (exit 0) and behaves like the Hook on its fixtures`, async () => {
      const migration = await runCli(migrateHookCli, [hookFile, "--trigger", fixtureFile.trigger, "--out", outDir]);
      expect(migration.stderr).toBe("");
      expect(migration.stdout).not.toContain("MIGRATION_TODO_");
      expect(migration.status).toBe(0);
      // `_api` when the Action does not use it (the strict checker's unused-parameter rule).
      expect(readFileSync(outFile, "utf8")).toMatch(
        new RegExp(`export const ${kind.entryPoint} = async \\(event: Event, _?api: ${kind.apiType}\\): Promise<void>`),
      );
      expect(migration.stdout).toContain(`flows:\n    ${kind.trigger}:\n      mode: append\n      actions:\n        - handler: ${name}`);
      converted.push({ name, file: outFile, full: true });

      const parity = await runCli(parityHookCli, [hookFile, outFile, "--trigger", fixtureFile.trigger, "--timeout-ms", "5000"]);
      const different = parity.stdout.split("\n").filter((l) => l.startsWith("  DIFFERENT")).length;
      silentDifferences += different;
      expect(parity.stdout).not.toContain("DIFFERENT");
      expect(parity.stdout).toContain(`${fixtureFile.fixtures.length} fixture(s): ${fixtureFile.fixtures.length} the same, 0 different`);
      expect(parity.status).toBe(0);
    });
  } else {
    it(`exits 1 and reports ${fixtureFile.migration.todos.join(", ")}, left in the output`, async () => {
      const migration = await runCli(migrateHookCli, [hookFile, "--trigger", fixtureFile.trigger, "--out", outDir]);
      expect(migration.status).toBe(1);
      expect(reportedTodos(migration.stdout)).toEqual([...fixtureFile.migration.todos].sort());
      const code = readFileSync(outFile, "utf8");
      for (const marker of fixtureFile.migration.todos) expect(code).toMatch(new RegExp(`\\b${marker}\\b`));
      expect(migration.stdout).toContain("Tenant configuration: not given until the Action converts fully");
      converted.push({ name, file: outFile, full: false });
    });
  }
});

describe("the whole corpus", () => {
  function tsc(files: string[]): string | undefined {
    cpSync(join(ROOT, "actions", "types"), join(project, "actions", "types"), { recursive: true });
    const config = join(project, `tsconfig.${files.length}.json`);
    writeFileSync(
      config,
      JSON.stringify({
        extends: join(ROOT, "tsconfig.json"),
        compilerOptions: { types: ["node"], typeRoots: [join(ROOT, "node_modules", "@types")] },
        files,
        // Without this the base config's `include` (the whole repository) would be checked too.
        include: [],
      }),
    );
    try {
      execFileSync(join(ROOT, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", config], { encoding: "utf8" });
      return undefined;
    } catch (error) {
      return String((error as { stdout?: string }).stdout ?? error);
    }
  }

  it("type-checks every fully converted Action with tsc and the project's strict options", () => {
    const full = converted.filter((c) => c.full).map((c) => c.file);
    expect(full.length).toBe(hooks.filter((n) => loadHookFixtureFile(join(HOOKS, `${n}.fixtures.json`)).migration.fullyConverted).length);
    expect(tsc(full)).toBeUndefined();
  });

  it("fails tsc on every Action left with a MIGRATION_TODO_*", () => {
    const todo = converted.filter((c) => !c.full);
    const output = tsc(todo.map((c) => c.file)) ?? "";
    // One tsc run for all of them; each file must have its own "Cannot find name 'MIGRATION_TODO_…'".
    for (const c of todo)
      expect(output).toMatch(new RegExp(`${c.name}\\.ts\\(\\d+,\\d+\\): error TS2304: Cannot find name 'MIGRATION_TODO_\\w+'`));
  });

  it("reports the measured conversion rate and no silent difference in docs/hook-migration.md and the README", () => {
    const full = converted.filter((c) => c.full).length;
    expect(converted.length).toBe(hooks.length);
    expect(silentDifferences).toBe(0);
    const figure = `${full} of ${hooks.length} Hooks convert fully`;
    expect(readFileSync(join(ROOT, "docs", "hook-migration.md"), "utf8")).toContain(figure);
    expect(readFileSync(join(ROOT, "README.md"), "utf8")).toContain(figure);
  });
});
