/**
 * npm run verify -- <tenant...> | --all [--local-state <dir>] [--outdir <dir>] [--tenants-dir <dir>] [--artifact <cdktf.out dir>]
 *
 * Reads each tenant through the Management API and compares it with this commit's artifact:
 * deployed code, saved-but-undeployed drafts, builds, bindings, orphans. Markdown on stdout and in
 * <outdir>/verify/<tenant>.md, progress and errors on stderr. Exit code: 0 matches, 2 differs, 1 error.
 */
import { parseTenantSelection } from "../src/tenant-selection-args";
import { verifyTenants } from "../src/verify/run-verify";
import { redactStandardStreams } from "../src/terraform/redaction";
import { errorReport } from "../src/errors";

const USAGE =
  "usage: npm run verify -- <tenant...> | --all [--local-state <dir>] [--outdir <dir>] [--tenants-dir <dir>] [--artifact <cdktf.out dir>]";

async function main(): Promise<number> {
  // Every line this command prints passes the redactor of its environment (secret values, by value).
  redactStandardStreams();
  const args = parseTenantSelection(
    { "local-state": { type: "string" }, outdir: { type: "string" }, "tenants-dir": { type: "string" }, artifact: { type: "string" } },
    USAGE,
  );
  if (!args) return 1;
  const { selection, values } = args;
  const outcome = await verifyTenants({
    selection,
    localStateDir: values["local-state"],
    outdir: values.outdir,
    tenantsDir: values["tenants-dir"],
    artifactDir: values.artifact,
    log: (line) => console.error(`verify: ${line}`),
  });
  if (outcome.error) console.error(`verify: ${outcome.error}`);
  for (const t of outcome.tenants) {
    if (t.error) console.error(`verify: ${t.tenant}: ${t.error}`);
    process.stdout.write(`${t.markdown}\n`);
  }
  return outcome.exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`verify: ${errorReport(error, "unexpected failure: ")}`);
    process.exit(1);
  },
);
