/**
 * npm run parity-hook -- <hook.js> <action.ts> [--trigger <hook type>] [--fixtures <file>] [--timeout-ms <ms>]
 *
 * Runs every fixture through the Hook (the Hooks runtime) and the Action (bundled as deployed)
 * and prints every difference. Fixtures default to <hook without .js>.fixtures.json; the Hook
 * type defaults to the fixture file's `trigger`.
 * Exit status: 0 the same everywhere, 1 differences, 3 the harness could not run (bad arguments,
 * unreadable or invalid files, an Action that does not bundle) or could not compare some fixture
 * (a side's sandboxed process hung, crashed, exited early or answered with a forged result).
 */
import { existsSync, readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { bundleActionFile } from "../run-parity";
import { HOOK_TYPES, isHookType } from "../../migrate/hook/hook-types";
import { HookFixtureError, loadHookFixtureFile } from "./fixtures";
import { checkHookParity, formatHookParityReport } from "./run-parity";

const USAGE = `usage: npm run parity-hook -- <hook.js> <action.ts> [--trigger ${HOOK_TYPES.join("|")}] [--fixtures <file>] [--timeout-ms <ms>]`;
export const HARNESS_ERROR = 3;

export interface Output {
  log(text: string): void;
  error(text: string): void;
}

export async function parityHookCli(argv: string[], io: Output): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    // Never a stack trace: anything unexpected is still a harness error with its message.
    io.error(`parity-hook: ${(error as Error)?.message ?? String(error)}`);
    return HARNESS_ERROR;
  }
}

async function run(argv: string[], io: Output): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        trigger: { type: "string" },
        fixtures: { type: "string" },
        "timeout-ms": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    io.error(`${(error as Error).message}\n${USAGE}`);
    return HARNESS_ERROR;
  }
  if (parsed.values.help) {
    io.log(USAGE);
    return 0;
  }
  const [hookFile, actionFile] = parsed.positionals;
  if (!hookFile || !actionFile || parsed.positionals.length !== 2) {
    io.error(USAGE);
    return HARNESS_ERROR;
  }
  const timeoutMs = parsed.values["timeout-ms"] === undefined ? undefined : Number(parsed.values["timeout-ms"]);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    io.error(`--timeout-ms must be a positive whole number of milliseconds, not "${parsed.values["timeout-ms"]}"`);
    return HARNESS_ERROR;
  }
  const fixturesFile = parsed.values.fixtures ?? `${hookFile.replace(/\.js$/, "")}.fixtures.json`;
  let hookSource: string;
  try {
    hookSource = readFileSync(hookFile, "utf8");
  } catch {
    io.error(`${hookFile}: cannot read the Hook file`);
    return HARNESS_ERROR;
  }
  let fixtureFile;
  try {
    fixtureFile = loadHookFixtureFile(fixturesFile);
  } catch (error) {
    if (!(error instanceof HookFixtureError)) throw error;
    io.error(error.message);
    return HARNESS_ERROR;
  }
  const trigger = parsed.values.trigger ?? fixtureFile.trigger;
  if (!isHookType(trigger)) {
    io.error(`--trigger "${trigger}": a Hook type is one of ${HOOK_TYPES.join(", ")}`);
    return HARNESS_ERROR;
  }
  if (trigger !== fixtureFile.trigger) {
    io.error(`${show(fixturesFile)}: its fixtures are for ${fixtureFile.trigger} Hooks, not ${trigger}`);
    return HARNESS_ERROR;
  }
  if (!existsSync(actionFile)) {
    io.error(`${actionFile}: Action file not found; convert the Hook first (npm run migrate-hook -- ${hookFile} --trigger ${trigger})`);
    return HARNESS_ERROR;
  }
  let actionCode: string;
  try {
    actionCode = bundleActionFile(actionFile);
  } catch (error) {
    io.error(`${actionFile}: cannot bundle the Action: ${(error as Error).message.split("\n").slice(0, 6).join("\n")}`);
    return HARNESS_ERROR;
  }
  const report = await checkHookParity({
    hookSource,
    hookFile: show(hookFile),
    hookType: trigger,
    actionCode,
    fixtures: fixtureFile.fixtures,
    timeoutMs,
  });
  io.log(formatHookParityReport(report, `Parity of ${show(hookFile)} (${trigger} Hook) and ${show(actionFile)} on ${show(fixturesFile)}:`));
  if (report.errored > 0) return HARNESS_ERROR;
  return report.equal ? 0 : 1;
}

function show(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  return rel.startsWith("..") ? resolve(file) : rel;
}
