/**
 * npm run tenants:migrate [-- <file or dir>...]: rewrites tenant files from the legacy post-login
 * fields (post_login_flow, actions) to the flows shape, keeping comments. Default: tenants/.
 * Each result is validated like any tenant file before it is written; run it again: it converges.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatProblem, parseTenantFile } from "../src/config/load-tenants";
import { migrateTenantText, TenantMigrationError } from "../src/config/migrate-tenant-file";

const targets = process.argv.slice(2).filter((a) => a !== "--");
const files = (targets.length > 0 ? targets : ["tenants"]).flatMap((target) => {
  try {
    return statSync(target).isDirectory()
      ? readdirSync(target)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
          .map((f) => join(target, f))
      : [target];
  } catch {
    console.error(`${target}: not found; give tenant files or a folder of them`);
    process.exit(1);
  }
});

let failed = 0;
for (const file of files) {
  try {
    const result = migrateTenantText(readFileSync(file, "utf8"), file);
    if (!result.changed) {
      console.log(`${file}: unchanged (${result.reason})`);
      continue;
    }
    const checked = parseTenantFile(file, result.text);
    if ("problems" in checked) {
      failed++;
      console.error(`${file}: not rewritten, the result would not be valid:\n${checked.problems.map(formatProblem).join("\n")}`);
      continue;
    }
    writeFileSync(file, result.text);
    console.log(`${file}: rewritten to flows`);
  } catch (error) {
    if (!(error instanceof TenantMigrationError)) throw error;
    failed++;
    console.error(error.message);
  }
}
process.exit(failed > 0 ? 1 : 0);
