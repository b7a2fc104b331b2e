/**
 * npm run bench:migrate — converts every Rule in rules/ in one process and runs parity on each
 * fully converted one, then prints the corpus figures (fully converted, with TODOs, silent
 * differences: exit 0 but a parity difference) and timings. Results go to docs/rule-migration.md.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateRule } from "../src/migrate/migrate-rule";
import { loadFixtureFile } from "../src/parity/fixtures";
import { bundleActionFile, checkParity, parityExitCode } from "../src/parity/run-parity";
import { errorReport } from "../src/errors";

const ROOT = join(__dirname, "..");
const RULES = join(ROOT, "rules");

async function main(): Promise<void> {
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
    const list = loadFixtureFile(join(RULES, `${name}.fixtures.json`)).fixtures;
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
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? 0;
  const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
  console.log(
    `Rules: ${names.length}; converted fully: ${full} (${Math.round((100 * full) / names.length)} %); with TODOs: ${withTodos}; silent differences: ${silent}`,
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
  console.log(
    `parity (bundle + fixtures): median ${median(parityMs).toFixed(0)} ms per Rule; ${full} Rules, ${fixtures} fixtures: ${(sum(parityMs) / 1000).toFixed(1)} s`,
  );
}

main().catch((error: unknown) => {
  console.error(errorReport(error));
  process.exit(1);
});
