/**
 * npm run drift -- <tenant...> | --all [--local-state <dir>] [--placeholder-secrets] [--outdir <dir>] [--tenants-dir <dir>]
 *
 * Reports resources changed outside this repository (refresh-only plan). Markdown on stdout,
 * progress and errors on stderr. Exit code: 0 no drift, 2 drift, 1 error.
 */
import { parseTenantSelection } from "../src/tenant-selection-args";
import { driftTenants } from "../src/drift/run-drift";
import { redactStandardStreams } from "../src/terraform/redaction";
import { errorReport } from "../src/errors";

const USAGE =
  "usage: npm run drift -- <tenant...> | --all [--local-state <dir>] [--placeholder-secrets] [--outdir <dir>] [--tenants-dir <dir>]";

async function main(): Promise<number> {
  // Every line this command prints passes the redactor of its environment (secret values, by value).
  redactStandardStreams();
  const args = parseTenantSelection(
    {
      "local-state": { type: "string" },
      "placeholder-secrets": { type: "boolean", default: false },
      outdir: { type: "string" },
      "tenants-dir": { type: "string" },
    },
    USAGE,
  );
  if (!args) return 1;
  const { selection, values } = args;
  const outcome = await driftTenants({
    selection,
    localStateDir: values["local-state"],
    placeholderSecrets: values["placeholder-secrets"],
    outdir: values.outdir,
    tenantsDir: values["tenants-dir"],
    log: (line) => console.error(`drift: ${line}`),
  });
  if (outcome.error) console.error(`drift: ${outcome.error}`);
  for (const t of outcome.tenants) {
    if (t.error) console.error(`drift: ${t.tenant}: ${t.error}`);
    else process.stdout.write(`${t.markdown}\n`);
  }
  return outcome.exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`drift: ${errorReport(error, "unexpected failure: ")}`);
    process.exit(1);
  },
);
