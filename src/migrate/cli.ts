/**
 * npm run migrate-rule -- <rule.js> [--name <handler>] [--out <dir>] [--tenant <tenant>] [--dependency pkg@1.2.3]...
 *
 * Converts an Auth0 Rule into actions/post-login/<handler>.ts, prints what it changed and what it
 * could not convert, and the tenant-file entry the Action needs (written with --tenant).
 * Exit status: 0 converted fully (type-checks), 1 written but with MIGRATION_TODO_* or type errors,
 * 2 nothing written (bad arguments, a Rule that does not parse, a tenant file that would break).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { displayPath, parseMigrateArgs, readMigrationInputs, type CommandOutput } from "./cli-input";
import { migrateRule } from "./migrate-rule";
import { RuleSyntaxError } from "./parse-rule";
import { formatMigrationReport } from "./report";
import { tenantActionEntry, TenantFileError, writeTenantEntry } from "./tenant-entry";

const USAGE = "usage: npm run migrate-rule -- <rule.js> [--name <handler>] [--out <dir>] [--tenant <tenant>] [--dependency pkg@1.2.3]...";

export type { CommandOutput as Output } from "./cli-input";

/** The command, minus the process: arguments in, report out, exit status returned. */
export async function migrateRuleCli(argv: string[], io: CommandOutput): Promise<number> {
  const args = parseMigrateArgs(
    argv,
    { name: { type: "string" }, out: { type: "string" }, tenant: { type: "string" }, dependency: { type: "string", multiple: true } },
    USAGE,
    io,
  );
  if (typeof args === "number") return args;
  const ruleFile = args.file;
  const inputs = readMigrationInputs(ruleFile, args.values, "Rule", "add-roles-to-tokens");
  if ("error" in inputs) {
    io.error(inputs.error);
    return 2;
  }
  const { handler, dependencyVersions, source, shownFile: shownRule } = inputs;
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
  if (args.values.tenant && !result.fullyConverted)
    io.error(`--tenant: ${args.values.tenant} left unchanged: the Action is not fully converted.`);
  return result.fullyConverted ? 0 : 1;
}
