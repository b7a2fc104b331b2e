/** npm run parity: see src/parity/cli.ts (usage, exit status) and docs/rule-migration.md. */
import { parityCli } from "../src/parity/cli";
import { errorReport } from "../src/errors";

parityCli(process.argv.slice(2), console).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A failure of the harness itself is an error (3), never mistaken for "differences" (1).
    console.error(`parity could not finish: ${errorReport(error)}`);
    process.exit(3);
  },
);
