/**
 * actions/credentials-exchange/m2m-claims-by-audience.ts is the converter's output for
 * hooks/m2m-claims-by-audience.js, kept in the repository as the Action a tenant's
 * credentials-exchange flow can declare. It must stay exactly what `npm run migrate-hook` gives
 * today, and behave like the Hook on its fixtures.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { migrateHook } from "../../src/migrate/hook/migrate-hook";
import { parityHookCli } from "../../src/parity/hook/cli";
import { runCli } from "../support/migrate-hook";

const ROOT = join(__dirname, "..", "..");
const hook = join(ROOT, "hooks", "m2m-claims-by-audience.js");
const action = join(ROOT, "actions", "credentials-exchange", "m2m-claims-by-audience.ts");

it("is byte for byte what the converter gives for its Hook", async () => {
  const result = await migrateHook({
    source: readFileSync(hook, "utf8"),
    hookFile: "hooks/m2m-claims-by-audience.js",
    hookType: "credentials-exchange",
    handler: "m2m-claims-by-audience",
  });
  expect(result.fullyConverted).toBe(true);
  expect(readFileSync(action, "utf8")).toBe(result.code);
});

it("behaves like the Hook on the Hook's fixtures", async () => {
  const parity = await runCli(parityHookCli, [hook, action]);
  expect(parity.stdout).toContain("5 fixture(s): 5 the same, 0 different");
  expect(parity.status).toBe(0);
});
