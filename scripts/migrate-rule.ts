/** npm run migrate-rule: see src/migrate/cli.ts (usage, exit status) and docs/rule-migration.md. */
import { migrateRuleCli } from "../src/migrate/cli";
import { errorReport } from "../src/errors";

migrateRuleCli(process.argv.slice(2), console).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(errorReport(error));
    process.exit(2);
  },
);
