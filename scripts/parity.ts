/** npm run parity: see src/parity/cli.ts (usage, exit status) and docs/rule-migration.md. */
import { parityCli } from "../src/parity/cli";

parityCli(process.argv.slice(2), console).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(2);
  },
);
