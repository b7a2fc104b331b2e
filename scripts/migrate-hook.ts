/** npm run migrate-hook: see src/migrate/hook/cli.ts (usage, exit status) and docs/hook-migration.md. */
import { migrateHookCli } from "../src/migrate/hook/cli";
import { errorReport } from "../src/errors";

migrateHookCli(process.argv.slice(2), console).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`migrate-hook: ${errorReport(error)}`);
    process.exit(2);
  },
);
