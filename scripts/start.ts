/**
 * `npm start`: the main job on the embedded default. Starts the local Auth0 tenant, deploys the
 * `local` tenant stack (tenants/local.yaml) with the real Terraform and provider, logs in the seed
 * user, verifies the ID token against the tenant's JWKS and stops the tenant.
 * Progress goes to stderr; the last line of stdout is the verified token's claims as one JSON object.
 *   --user <login>                 log in another fixture user (fixtures/users/<login>.json)
 *   --replace-foreign-bindings     let the apply remove post-login bindings made outside Terraform
 */
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { errorReport } from "../src/errors";
import { deployAndLogin } from "../src/local-run/main-job";
import type { ForeignBinding } from "../src/local-run/foreign-bindings";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { user: { type: "string" }, "replace-foreign-bindings": { type: "boolean", default: false } },
    strict: true,
  });
  const started = performance.now();
  const progress = (line: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);
  const { claims } = await deployAndLogin({
    progress,
    ...(values.user ? { user: values.user } : {}),
    confirmRemoval: (foreign) => confirm(foreign, values["replace-foreign-bindings"] ?? false),
  });
  progress("done: the ID token verified; its claims follow on stdout");
  process.stdout.write(`${JSON.stringify(claims)}\n`);
}

/** The flag confirms; otherwise a terminal is asked, and anything else refuses. */
async function confirm(foreign: ForeignBinding[], flag: boolean): Promise<boolean> {
  if (flag) return true;
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Remove these ${foreign.length} binding(s) from the post-login flow? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

main().catch((error: unknown) => {
  // Problems the user can act on are reported by their message alone; anything else with its stack.
  process.stderr.write(`npm start: ${errorReport(error)}\n`);
  process.exit(1);
});
