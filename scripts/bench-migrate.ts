/**
 * npm run bench:migrate [-- --rules <dir>] — converts every Rule in rules/ (or in <dir>, e.g. a
 * checkout of Auth0's public Rule templates) in one process, runs parity on each fully converted one
 * that has a <name>.fixtures.json, type-checks every fully converted handler with tsc, then prints the
 * figures (fully converted, with TODOs, silent differences: exit 0 but a parity difference; Rules
 * without fixtures are counted as not compared) and timings. Results go to docs/rule-migration.md.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { migrateRule } from "../src/migrate/migrate-rule";
import { loadFixtureFile } from "../src/parity/fixtures";
import { bundleActionFile, checkParity, parityExitCode } from "../src/parity/run-parity";
import { errorReport } from "../src/errors";

const ROOT = join(__dirname, "..");

function rulesDir(argv: string[]): string {
  const at = argv.indexOf("--rules");
  if (at === -1) return join(ROOT, "rules");
  const dir = argv[at + 1];
  if (!dir || !existsSync(dir)) throw new Error(`--rules needs a directory of Rule .js files (got ${dir ?? "nothing"})`);
  return resolve(dir);
}

/** tsc with the project's strict options over the converted handlers; returns the files with errors. */
function typeCheck(out: string, files: string[]): string[] {
  mkdirSync(join(out, "actions", "post-login"), { recursive: true });
  mkdirSync(join(out, "actions", "types"), { recursive: true });
  for (const types of ["common.d.ts", "post-login-v3.d.ts", "post-login-v3-converted.d.ts"])
    cpSync(join(ROOT, "actions", "types", types), join(out, "actions", "types", types));
  for (const file of files) cpSync(join(out, file), join(out, "actions", "post-login", file));
  writeFileSync(
    join(out, "tsconfig.json"),
    JSON.stringify({
      extends: join(ROOT, "tsconfig.json"),
      compilerOptions: { types: ["node"], typeRoots: [join(ROOT, "node_modules", "@types")] },
      include: files.map((f) => `actions/post-login/${f}`),
    }),
  );
  try {
    execFileSync(join(ROOT, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", join(out, "tsconfig.json")], { encoding: "utf8" });
    return [];
  } catch (error) {
    const output = String((error as { stdout?: string }).stdout ?? "");
    return [...new Set([...output.matchAll(/actions\/post-login\/([^(:]+\.ts)/g)].map((m) => m[1]))];
  }
}

async function main(): Promise<void> {
  const RULES = rulesDir(process.argv.slice(2));
  const names = readdirSync(RULES)
    .filter((f) => f.endsWith(".js"))
    .map((f) => f.slice(0, -3))
    .sort();
  const out = mkdtempSync(join(tmpdir(), "bench-migrate-"));
  const convertMs: number[] = [];
  const parityMs: number[] = [];
  let full = 0;
  let withTodos = 0;
  let silent = 0;
  let fixtures = 0;
  let notCompared = 0;
  const converted: string[] = [];
  const todoKinds = new Map<string, number>();
  for (const name of names) {
    const source = readFileSync(join(RULES, `${name}.js`), "utf8");
    let start = performance.now();
    const result = await migrateRule({ source, ruleFile: `rules/${name}.js`, handler: name });
    convertMs.push(performance.now() - start);
    if (!result.fullyConverted) {
      withTodos++;
      for (const marker of new Set(result.todos.map((t) => t.marker))) todoKinds.set(marker, (todoKinds.get(marker) ?? 0) + 1);
      continue;
    }
    full++;
    const file = join(out, `${name}.ts`);
    writeFileSync(file, result.code);
    converted.push(`${name}.ts`);
    const fixtureFile = join(RULES, `${name}.fixtures.json`);
    if (!existsSync(fixtureFile)) {
      notCompared++;
      continue;
    }
    const list = loadFixtureFile(fixtureFile).fixtures;
    fixtures += list.length;
    start = performance.now();
    const report = await checkParity({
      ruleSource: source,
      ruleFile: `rules/${name}.js`,
      actionCode: bundleActionFile(file),
      fixtures: list,
      timeoutMs: 5000,
    });
    parityMs.push(performance.now() - start);
    if (parityExitCode(report) !== 0) {
      silent++;
      console.log(`SILENT DIFFERENCE: rules/${name}.js converts with exit 0 but parity says ${parityExitCode(report)}`);
    }
  }
  const typeErrors = typeCheck(out, converted);
  for (const file of typeErrors) console.log(`TYPE ERROR: ${file} converts with exit 0 but tsc rejects it`);
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? 0;
  const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
  console.log(
    `Rules: ${names.length}; converted fully: ${full} (${Math.round((100 * full) / names.length)} %); with TODOs: ${withTodos}; silent differences: ${silent}; not compared (no fixtures): ${notCompared}; type-check: ${converted.length - typeErrors.length} of ${converted.length}`,
  );
  console.log(
    `TODO kinds: ${[...todoKinds.entries()]
      .sort()
      .map(([k, n]) => `${k} ${n}`)
      .join(", ")}`,
  );
  console.log(
    `conversion: first ${convertMs[0].toFixed(0)} ms, then median ${median(convertMs.slice(1)).toFixed(0)} ms, max ${Math.max(...convertMs.slice(1)).toFixed(0)} ms, all ${(sum(convertMs) / 1000).toFixed(1)} s`,
  );
  if (fixtures > 0)
    console.log(
      `parity (bundle + fixtures): median ${median(parityMs).toFixed(0)} ms per Rule; ${full} Rules, ${fixtures} fixtures: ${(sum(parityMs) / 1000).toFixed(1)} s`,
    );
}

main().catch((error: unknown) => {
  console.error(errorReport(error));
  process.exit(1);
});
