/**
 * npm run tenants [-- --json] [--tenants-dir <dir>]
 *
 * Lists the tenants from the same loader that validates tenant files: name, domain, backend,
 * promotes_from and whether the tenant is local. `--json` prints one JSON array (what the
 * workflows read). A broken tenant file is reported like `npm run synth` reports it; exit 1.
 */
import { parseArgs } from "node:util";
import { loadTenants, TenantConfigError } from "../src/config/load-tenants";
import { listTenants, renderTenantTable } from "../src/config/tenant-listing";

const USAGE = "usage: npm run tenants [-- --json] [--tenants-dir <dir>]";

function main(): number {
  let values;
  try {
    ({ values } = parseArgs({
      options: { json: { type: "boolean", default: false }, "tenants-dir": { type: "string" }, help: { type: "boolean", default: false } },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 1;
  }
  if (values.help) {
    console.error(USAGE);
    return 0;
  }
  try {
    const rows = listTenants(loadTenants(values["tenants-dir"] ?? process.env.TENANTS_DIR ?? "tenants"));
    process.stdout.write(values.json ? `${JSON.stringify(rows)}\n` : renderTenantTable(rows));
    return 0;
  } catch (error) {
    if (error instanceof TenantConfigError) {
      console.error(`Invalid tenant configuration:\n${error.message}`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = main();
