/**
 * The command line of the commands that act on tenants (`<tenant...> | --all` plus their own
 * flags): parsed with node:util's parseArgs; a bad flag or a missing/ambiguous selection prints
 * the problem and the usage on stderr.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

type Flags = NonNullable<ParseArgsConfig["options"]>;

/** The tenants to act on and the parsed flags, or undefined after printing why not (exit 1). */
export function parseTenantSelection<const F extends Flags>(flags: F, usage: string) {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { all: { type: "boolean", default: false }, ...flags } });
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return undefined;
  }
  const { values, positionals } = parsed;
  const all = (values as { all?: boolean }).all === true;
  // Exactly one of: tenant names, or --all.
  if (all === positionals.length > 0) {
    console.error(usage);
    return undefined;
  }
  return { selection: all ? ("all" as const) : positionals, values };
}

/** Exactly `count` tenant names plus the command's own flags, or undefined after printing why not (exit 1). */
export function parseTenantPositionals<const F extends Flags>(flags: F, usage: string, count: number) {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: flags });
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return undefined;
  }
  if (parsed.positionals.length !== count) {
    console.error(usage);
    return undefined;
  }
  return parsed;
}

/**
 * `--concurrency N`: how many tenants run at once. Undefined when not given; an error message
 * (naming the flag and what is allowed) when it is not a whole number from 1 to 32.
 */
export function parseConcurrency(value: string | undefined): { concurrency?: number } | { error: string } {
  if (value === undefined) return {};
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 32) return { error: `--concurrency must be a whole number from 1 to 32, not "${value}"` };
  return { concurrency: n };
}
