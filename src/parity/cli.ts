/**
 * npm run parity -- <rule.js> <action.ts> [--fixtures <file>] [--timeout-ms <ms>]
 *
 * Runs every fixture through the Rule (Rules-like sandbox) and the Action (bundled as deployed,
 * run in the Actions sandbox) and prints the differences. Fixtures default to
 * <rule without .js>.fixtures.json. Exit status: 0 the same everywhere, 1 differences, 2 could not
 * start (arguments, files, bundling), 3 an error on some fixture (the Rule or the Action threw, or
 * the harness failed): the report is printed in every case.
 */
import { existsSync, readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { FixtureError, loadFixtureFile } from "./fixtures";
import { formatParityReport } from "./report";
import { bundleActionFile, checkParity, PARITY_EXIT, parityExitCode } from "./run-parity";

const USAGE = "usage: npm run parity -- <rule.js> <action.ts> [--fixtures <file>] [--timeout-ms <ms>]";

export interface Output {
  log(text: string): void;
  error(text: string): void;
}

/** The command, minus the process: arguments in, report out, exit status returned. */
export async function parityCli(argv: string[], io: Output): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { fixtures: { type: "string" }, "timeout-ms": { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    io.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    io.log(USAGE);
    return 0;
  }
  const [ruleFile, actionFile] = parsed.positionals;
  if (!ruleFile || !actionFile || parsed.positionals.length !== 2) {
    io.error(USAGE);
    return 2;
  }
  const timeoutMs = parsed.values["timeout-ms"] === undefined ? undefined : Number(parsed.values["timeout-ms"]);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    io.error(`--timeout-ms must be a positive whole number of milliseconds, not "${parsed.values["timeout-ms"]}"`);
    return 2;
  }
  const fixturesFile = parsed.values.fixtures ?? `${ruleFile.replace(/\.js$/, "")}.fixtures.json`;

  let ruleSource: string;
  try {
    ruleSource = readFileSync(ruleFile, "utf8");
  } catch {
    io.error(`${ruleFile}: cannot read the Rule file`);
    return 2;
  }
  let fixtures;
  try {
    fixtures = loadFixtureFile(fixturesFile).fixtures;
  } catch (error) {
    if (error instanceof FixtureError) {
      io.error(error.message);
      return 2;
    }
    throw error;
  }
  if (!existsSync(actionFile)) {
    io.error(`${actionFile}: Action file not found; convert the Rule first (npm run migrate-rule -- ${ruleFile})`);
    return 2;
  }
  let actionCode: string;
  try {
    actionCode = bundleActionFile(actionFile);
  } catch (error) {
    io.error(`${actionFile}: cannot bundle the Action: ${(error as Error).message.split("\n").slice(0, 6).join("\n")}`);
    return 2;
  }
  let report;
  try {
    report = await checkParity({ ruleSource, ruleFile: show(ruleFile), actionCode, fixtures, timeoutMs });
  } catch (error) {
    io.error(`parity could not finish: ${(error as Error)?.message ?? String(error)}`);
    return PARITY_EXIT.error;
  }
  io.log(formatParityReport(report, `Parity of ${show(ruleFile)} and ${show(actionFile)} on ${show(fixturesFile)}:`));
  return parityExitCode(report);
}

function show(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  return rel.startsWith("..") ? resolve(file) : rel;
}
