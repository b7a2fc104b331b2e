/**
 * npm run deploy -- <tenant> [--local-state <dir>] [--outdir <dir>] [--tenants-dir <dir>] [--artifact <cdktf.out dir>] [--lock-timeout <duration>] [--delete-unmanaged]
 *
 * terraform apply, then verify through the Management API, then repair (deploy saved drafts,
 * delete orphans this repository provably created, apply again). Same-named Actions it cannot
 * prove it created are reported and left alone; --delete-unmanaged unbinds and deletes them too.
 * Report on stdout and in <outdir>/deploy/<tenant>.md.
 * Exit code: 0 the tenant runs this commit's code (unmanaged Actions may remain), 2 it still differs, 1 error.
 */
import { deployTenant } from "../src/deploy/run-deploy";
import { parseTenantPositionals } from "../src/tenant-selection-args";
import { redactStandardStreams } from "../src/terraform/redaction";

const USAGE =
  "usage: npm run deploy -- <tenant> [--local-state <dir>] [--outdir <dir>] [--tenants-dir <dir>] [--artifact <cdktf.out dir>] [--lock-timeout <duration, e.g. 60s>] [--delete-unmanaged]";

async function main(): Promise<number> {
  // Every line this command prints passes the redactor of its environment (secret values, by value).
  redactStandardStreams();
  const parsed = parseTenantPositionals(
    {
      "local-state": { type: "string" },
      outdir: { type: "string" },
      "tenants-dir": { type: "string" },
      artifact: { type: "string" },
      "lock-timeout": { type: "string" },
      "delete-unmanaged": { type: "boolean", default: false },
    },
    USAGE,
    1,
  );
  if (!parsed) return 1;
  const { values, positionals } = parsed;
  if (values["lock-timeout"] !== undefined && !/^\d+(ms|s|m|h)$/.test(values["lock-timeout"])) {
    console.error(`--lock-timeout must be a duration such as 0s, 60s or 5m, not "${values["lock-timeout"]}"\n${USAGE}`);
    return 1;
  }
  const outcome = await deployTenant({
    tenant: positionals[0],
    localStateDir: values["local-state"],
    outdir: values.outdir,
    tenantsDir: values["tenants-dir"],
    artifactDir: values.artifact,
    lockTimeout: values["lock-timeout"],
    deleteUnmanaged: values["delete-unmanaged"] === true,
    log: (line) => console.error(`deploy: ${line}`),
  });
  if (outcome.error) console.error(`deploy: ${outcome.error}`);
  if (outcome.markdown) process.stdout.write(`${outcome.markdown}\n`);
  return outcome.exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`deploy: unexpected failure: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
