/** npm run parity-hook: see src/parity/hook/cli.ts (usage, exit status) and docs/hook-migration.md. */
import { HARNESS_ERROR, parityHookCli } from "../src/parity/hook/cli";
import { errorReport } from "../src/errors";

parityHookCli(process.argv.slice(2), console).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`parity-hook: ${errorReport(error)}`);
    process.exit(HARNESS_ERROR);
  },
);
