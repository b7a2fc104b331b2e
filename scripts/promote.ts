/**
 * npm run promote -- <from> <to> [--artifact <cdktf.out dir>] [--local-state <dir>] [--outdir <dir>] [--tenants-dir <dir>]
 *
 * Deploys `to` only if its tenant file says `promotes_from: <from>` and <from>'s state records
 * the same code hashes as the artifact. Without --artifact, synthesizes this checkout first.
 * Exit code: 0 deployed, 1 refused or failed (the reason on stderr).
 */
import { promote } from "../src/promote/promote";
import { parseTenantPositionals } from "../src/tenant-selection-args";
import { redactStandardStreams } from "../src/terraform/redaction";
import { errorReport } from "../src/errors";

const USAGE =
  "usage: npm run promote -- <from> <to> [--artifact <cdktf.out dir>] [--local-state <dir>] [--outdir <dir>] [--tenants-dir <dir>]";

async function main(): Promise<number> {
  // Every line this command prints passes the redactor of its environment (secret values, by value).
  redactStandardStreams();
  const parsed = parseTenantPositionals(
    { artifact: { type: "string" }, "local-state": { type: "string" }, outdir: { type: "string" }, "tenants-dir": { type: "string" } },
    USAGE,
    2,
  );
  if (!parsed) return 1;
  const { values, positionals } = parsed;
  const outcome = await promote({
    from: positionals[0],
    to: positionals[1],
    artifactDir: values.artifact,
    localStateDir: values["local-state"],
    tenantsDir: values["tenants-dir"],
    outdir: values.outdir,
    log: (line) => console.error(`promote: ${line}`),
  });
  console.error(`promote: ${outcome.message}`);
  return outcome.exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`promote: ${errorReport(error, "unexpected failure: ")}`);
    process.exit(1);
  },
);
