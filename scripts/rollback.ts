/**
 * npm run rollback -- <tenant> --to <deployed version number | git ref> [--action <handler>] [--local-state <dir>] [--outdir <dir>] [--tenants-dir <dir>]
 *
 * Deploys an earlier version of each managed Action again (Auth0's deploy-version call), verifies
 * the tenant runs it, and writes the revert on a new branch rollback/<tenant>-v<n> for a pull request.
 * Refuses (nothing changed) an unknown version or ref, a version gone from the history, code that
 * never ran on the tenant or its upstream, or a version needing secrets the Action no longer has.
 * Exit code: 0 rolled back and verified, 1 refused or failed (the reason on stderr).
 */
import { rollbackTenant } from "../src/rollback/run-rollback";
import { parseRollbackArgs } from "../src/rollback/rules";
import { redactStandardStreams } from "../src/terraform/redaction";
import { errorReport } from "../src/errors";

async function main(): Promise<number> {
  // Every line this command prints passes the redactor of its environment (secret values, by value).
  redactStandardStreams();
  const args = parseRollbackArgs(process.argv.slice(2));
  if ("error" in args) {
    console.error(`rollback: ${args.error}`);
    return 1;
  }
  const outcome = await rollbackTenant({
    tenant: args.tenant,
    to: args.to.text,
    action: args.action,
    localStateDir: args.localStateDir,
    tenantsDir: args.tenantsDir,
    outdir: args.outdir,
    log: (line) => console.error(`rollback: ${line}`),
  });
  if (outcome.exitCode === 0) process.stdout.write(`${outcome.message}\n`);
  else console.error(`rollback: ${outcome.message}`);
  return outcome.exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`rollback: ${errorReport(error, "unexpected failure: ")}`);
    process.exit(1);
  },
);
