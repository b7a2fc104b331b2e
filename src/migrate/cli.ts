/**
 * npm run migrate-rule -- <rule.js> [--name <handler>] [--out <dir>] [--tenant <tenant>] [--dependency pkg@1.2.3]...
 *
 * Converts an Auth0 Rule into actions/post-login/<handler>.ts, prints what it changed and what it
 * could not convert, and the tenant-file entry the Action needs (written with --tenant).
 * Exit status: 0 converted fully (type-checks), 1 written but with MIGRATION_TODO_* or type errors,
 * 2 nothing written (bad arguments, a Rule that does not parse, a tenant file that would break).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { HANDLER_NAME } from "../names";
import { handlerNameFromFile } from "./handler-name";
import { migrateRule } from "./migrate-rule";
import { RuleSyntaxError } from "./parse-rule";
import { formatMigrationReport } from "./report";
import { tenantActionEntry, TenantFileError, writeTenantEntry } from "./tenant-entry";

const USAGE = "usage: npm run migrate-rule -- <rule.js> [--name <handler>] [--out <dir>] [--tenant <tenant>] [--dependency pkg@1.2.3]...";

export interface Output {
  log(text: string): void;
  error(text: string): void;
}

/** The command, minus the process: arguments in, report out, exit status returned. */
export async function migrateRuleCli(argv: string[], io: Output): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    io.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.values.help) {
    io.log(USAGE);
    return 0;
  }
  const [ruleFile] = args.positionals;
  if (!ruleFile || args.positionals.length > 1) {
    io.error(USAGE);
    return 2;
  }
  const handler = args.values.name ?? handlerNameFromFile(ruleFile);
  if (!HANDLER_NAME.test(handler)) {
    io.error(`--name "${handler}": a handler name is kebab-case (lowercase letters, digits and -), e.g. add-roles-to-tokens`);
    return 2;
  }
  const dependencyVersions: Record<string, string> = {};
  for (const spec of args.values.dependency ?? []) {
    const at = spec.lastIndexOf("@");
    if (at <= 0) {
      io.error(`--dependency "${spec}": write it as name@1.2.3`);
      return 2;
    }
    dependencyVersions[spec.slice(0, at)] = spec.slice(at + 1);
  }

  let source: string;
  try {
    source = readFileSync(ruleFile, "utf8");
  } catch {
    io.error(`${ruleFile}: cannot read the Rule file`);
    return 2;
  }
  const shownRule = displayPath(ruleFile);
  let result;
  try {
    result = await migrateRule({ source, ruleFile: shownRule, handler, options: { dependencyVersions } });
  } catch (error) {
    if (error instanceof RuleSyntaxError) {
      io.error(`${error.message}\nNothing written: the Rule must parse before it can be converted.`);
      return 2;
    }
    throw error;
  }

  const outDir = args.values.out ?? join("actions", "post-login");
  mkdirSync(outDir, { recursive: true });
  const outFile = join(outDir, `${handler}.ts`);
  writeFileSync(outFile, result.code);

  const entry = tenantActionEntry(handler, result.secrets, result.dependencies);
  let tenantOutcome: string | undefined;
  if (args.values.tenant && result.fullyConverted) {
    const tenantFile = /[/\\]|\.ya?ml$/.test(args.values.tenant) ? args.values.tenant : join("tenants", `${args.values.tenant}.yaml`);
    try {
      tenantOutcome = `${writeTenantEntry(tenantFile, entry) === "added" ? "Added" : "Updated"} the entry in ${displayPath(tenantFile)}.`;
    } catch (error) {
      if (!(error instanceof TenantFileError)) throw error;
      io.log(formatMigrationReport(result, { ruleFile: shownRule, outFile: displayPath(outFile), entry }));
      io.error(error.message);
      return 2;
    }
  }
  io.log(formatMigrationReport(result, { ruleFile: shownRule, outFile: displayPath(outFile), entry, tenantOutcome }));
  if (args.values.tenant && !result.fullyConverted) io.error(`--tenant: ${args.values.tenant} left unchanged: the Action is not fully converted.`);
  return result.fullyConverted ? 0 : 1;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      name: { type: "string" },
      out: { type: "string" },
      tenant: { type: "string" },
      dependency: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
}

/** Paths inside the working directory are shown relative to it (stable output for the same command). */
function displayPath(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  return rel.startsWith("..") ? resolve(file) : rel;
}
