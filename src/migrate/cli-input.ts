/**
 * The inputs both migrate commands (migrate-rule, migrate-hook) take the same way: the handler
 * name (from --name or the file name), pinned --dependency versions and the source file. Each
 * problem is one line naming the flag or the file, for the command to print before exiting 2.
 */
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { handlerNameFromFile, HANDLER_NAME } from "./handler-name";

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
