/**
 * npm run deploy -- <tenant...> | --all [--concurrency <n>] [--local-state <dir>] [--outdir <dir>] [--tenants-dir <dir>] [--artifact <cdktf.out dir>] [--lock-timeout <duration>] [--delete-unmanaged]
 *
 * terraform apply, then verify through the Management API, then repair (deploy saved drafts,
 * delete orphans this repository provably created, apply again). Same-named Actions it cannot
 * prove it created are reported and left alone; --delete-unmanaged unbinds and deletes them too.
 * Several tenants (or --all) deploy --concurrency at a time (default 4), each with its own
 * Management API client and rate-limit backoff; progress lines start with the tenant, and each
 * tenant's end is one status line. Reports on stdout and in <outdir>/deploy/<tenant>.md.
 * Exit code: 0 every tenant runs this commit's code (unmanaged Actions may remain), 2 one still differs, 1 error.
 */
import { deployTenants } from "../src/deploy/run-deploy";
import { parseConcurrency, parseTenantSelection } from "../src/tenant-selection-args";
import { redactStandardStreams } from "../src/terraform/redaction";
import { errorReport } from "../src/errors";

const USAGE =
  "usage: npm run deploy -- <tenant...> | --all [--concurrency <n, default 4>] [--local-state <dir>] [--outdir <dir>] [--tenants-dir <dir>] [--artifact <cdktf.out dir>] [--lock-timeout <duration, e.g. 60s>] [--delete-unmanaged]";

async function main(): Promise<number> {
  // Every line this command prints passes the redactor of its environment (secret values, by value).
  redactStandardStreams();
  const args = parseTenantSelection(
    {
      concurrency: { type: "string" },
      "local-state": { type: "string" },
      outdir: { type: "string" },
      "tenants-dir": { type: "string" },
      artifact: { type: "string" },
      "lock-timeout": { type: "string" },
      "delete-unmanaged": { type: "boolean", default: false },
    },
    USAGE,
  );
  if (!args) return 1;
  const { selection, values } = args;
  if (values["lock-timeout"] !== undefined && !/^\d+(ms|s|m|h)$/.test(values["lock-timeout"])) {
    console.error(`--lock-timeout must be a duration such as 0s, 60s or 5m, not "${values["lock-timeout"]}"\n${USAGE}`);
    return 1;
  }
  const concurrency = parseConcurrency(values.concurrency);
  if ("error" in concurrency) {
    console.error(`${concurrency.error}\n${USAGE}`);
    return 1;
  }
  const outcome = await deployTenants({
    selection,
    ...concurrency,
    localStateDir: values["local-state"],
    outdir: values.outdir,
    tenantsDir: values["tenants-dir"],
    artifactDir: values.artifact,
    lockTimeout: values["lock-timeout"],
    deleteUnmanaged: values["delete-unmanaged"] === true,
    log: (line) => console.error(`deploy: ${line}`),
  });
  if (outcome.error) console.error(`deploy: ${outcome.error}`);
  for (const t of outcome.tenants) {
    if (t.error) console.error(`deploy: ${t.tenant}: ${t.error.split("\n").join(`\ndeploy: ${t.tenant}: `)}`);
    if (t.markdown) process.stdout.write(`${t.markdown}\n`);
  }
  return outcome.exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`deploy: ${errorReport(error, "unexpected failure: ")}`);
    process.exit(1);
  },
);
