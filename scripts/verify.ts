/**
 * npm run verify -- <tenant...> | --all [--local-state <dir>] [--outdir <dir>] [--tenants-dir <dir>] [--artifact <cdktf.out dir>]
 *
 * Reads each tenant through the Management API and compares it with this commit's artifact:
 * deployed code, saved-but-undeployed drafts, builds, bindings, orphans. Markdown on stdout and in
 * <outdir>/verify/<tenant>.md, progress and errors on stderr. Exit code: 0 matches, 2 differs, 1 error.
 */
import { parseArgs } from "node:util";
import { verifyTenants } from "../src/verify/run-verify";

const USAGE = "usage: npm run verify -- <tenant...> | --all [--local-state <dir>] [--outdir <dir>] [--tenants-dir <dir>] [--artifact <cdktf.out dir>]";

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { all: { type: "boolean", default: false }, "local-state": { type: "string" }, outdir: { type: "string" }, "tenants-dir": { type: "string" }, artifact: { type: "string" } } });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.all === positionals.length > 0) {
    console.error(USAGE);
    return 1;
  }
  const outcome = await verifyTenants({
    selection: values.all ? "all" : positionals,
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
    console.error(`verify: unexpected failure: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
