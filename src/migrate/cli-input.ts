/**
 * The arguments and inputs both migrate commands (migrate-rule, migrate-hook) take the same way:
 * one source file, -h/--help, the handler name (from --name or the file name), pinned --dependency
 * versions. Each problem is one line naming the flag or the file, printed before exiting 2.
 */
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { HANDLER_NAME } from "../names";
import { handlerNameFromFile } from "./handler-name";

export interface MigrationInputs {
  handler: string;
  dependencyVersions: Record<string, string>;
  source: string;
  /** The source file as the report shows it (see displayPath). */
  shownFile: string;
}

export interface MigrationInputFlags {
  name?: string;
  dependency?: string[];
}

/**
 * Checks --name and --dependency, then reads `file`. `what` names the source in messages ("Rule",
 * "Hook"); `exampleHandler` is the kebab-case name the --name message suggests.
 */
export function readMigrationInputs(
  file: string,
  flags: MigrationInputFlags,
  what: string,
  exampleHandler: string,
): MigrationInputs | { error: string } {
  const handler = flags.name ?? handlerNameFromFile(file);
  if (!HANDLER_NAME.test(handler))
    return { error: `--name "${handler}": a handler name is kebab-case (lowercase letters, digits and -), e.g. ${exampleHandler}` };
  const dependencyVersions: Record<string, string> = {};
  for (const spec of flags.dependency ?? []) {
    const at = spec.lastIndexOf("@");
    if (at <= 0) return { error: `--dependency "${spec}": write it as name@1.2.3` };
    dependencyVersions[spec.slice(0, at)] = spec.slice(at + 1);
  }
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch {
    return { error: `${file}: cannot read the ${what} file` };
  }
  return { handler, dependencyVersions, source, shownFile: displayPath(file) };
}

/** Paths inside the working directory are shown relative to it (stable output for the same command). */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  return rel.startsWith("..") ? resolve(file) : rel;
}

export interface CommandOutput {
  log(text: string): void;
  error(text: string): void;
}

/**
 * Parses a migrate command's arguments: its `flags` plus -h/--help, and exactly one source file.
 * Returns the exit status instead when the command is done: 0 after printing the usage for
 * --help, 2 after printing a bad flag or a wrong number of files with the usage.
 */
export function parseMigrateArgs<const F extends NonNullable<ParseArgsConfig["options"]>>(
  argv: string[],
  flags: F,
  usage: string,
  io: CommandOutput,
) {
  let args;
  try {
    args = parseArgs({ args: argv, allowPositionals: true, options: { ...flags, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    io.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if ((args.values as { help?: boolean }).help) {
    io.log(usage);
    return 0;
  }
  const [file] = args.positionals;
  if (!file || args.positionals.length > 1) {
    io.error(usage);
    return 2;
  }
  return { file, values: args.values };
}
