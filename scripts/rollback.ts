/**
 * npm run rollback -- <tenant> --to <version number | git ref> [--action <handler>] [--local-state <dir>] [--outdir <dir>] [--tenants-dir <dir>]
 *
 * Deploys an earlier version of each managed Action (Auth0's deploy-version call), verifies the
 * tenant runs it, and writes the revert on a new branch rollback/<tenant>-v<n> for a pull request.
 * Refuses (nothing changed) a version gone from the history, code that never ran on the tenant or
 * its upstream, or a version needing secrets the Action no longer has.
 * Exit code: 0 rolled back and verified, 1 refused or failed (the reason on stderr).
 */
import { rollbackTenant } from "../src/rollback/run-rollback";
import { parseTenantPositionals } from "../src/tenant-selection-args";
import { redactStandardStreams } from "../src/terraform/redaction";

const USAGE =
  "usage: npm run rollback -- <tenant> --to <version number | git ref> [--action <handler>] [--local-state <dir>] [--outdir <dir>] [--tenants-dir <dir>]";

async function main(): Promise<number> {
  // Every line this command prints passes the redactor of its environment (secret values, by value).
  redactStandardStreams();
  const parsed = parseTenantPositionals(
    {
      to: { type: "string" },
      action: { type: "string" },
      "local-state": { type: "string" },
      outdir: { type: "string" },
      "tenants-dir": { type: "string" },
    },
    USAGE,
    1,
  );
  if (!parsed) return 1;
  const { values, positionals } = parsed;
  if (!values.to) {
    console.error(`rollback: --to is required: a version number (e.g. --to 3) or a git ref (e.g. --to v1.4.0)\n${USAGE}`);
    return 1;
  }
  const outcome = await rollbackTenant({
    tenant: positionals[0],
    to: values.to,
    action: values.action,
    localStateDir: values["local-state"],
    tenantsDir: values["tenants-dir"],
    outdir: values.outdir,
    log: (line) => console.error(`rollback: ${line}`),
  });
  if (outcome.exitCode === 0) process.stdout.write(`${outcome.message}\n`);
  else console.error(`rollback: ${outcome.message}`);
  return outcome.exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`rollback: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
