/**
 * What the tests need from the machine that `npm ci` cannot install, checked before anything runs:
 * a machine without it fails at once, with the command that fixes it, not minutes later in the
 * middle of the suite. Run by `npm test` and `npm run test:e2e`.
 *
 * It installs nothing, even as root: a test command should not change the machine it runs on.
 * `.ci/run` installs the packages (CI runs as root on a fresh machine); elsewhere run the printed command.
 */
import { existsSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { CHROMIUM } from "../src/local-run/headless-chromium";

const onPath = (name: string): boolean =>
  (process.env.PATH ?? "").split(delimiter).some((dir) => dir !== "" && existsSync(join(dir, name)));

/** Debian installs the server's binaries under /usr/lib/postgresql/<version>/bin, off PATH. */
const hasPostgresServer = (): boolean =>
  onPath("initdb") ||
  (existsSync("/usr/lib/postgresql") &&
    readdirSync("/usr/lib/postgresql").some((version) => existsSync(join("/usr/lib/postgresql", version, "bin", "initdb"))));

const missing = [
  ...(existsSync(CHROMIUM) ? [] : [{ pkg: "chromium", neededBy: `the OIDC browser test (${CHROMIUM})` }]),
  ...(hasPostgresServer() ? [] : [{ pkg: "postgresql", neededBy: "the pg backend tests (initdb)" }]),
];
const problems = [
  ...(missing.length === 0
    ? []
    : [
        `missing system packages for ${missing.map((m) => m.neededBy).join(" and ")}: ` +
          `apt-get install -y ${missing.map((m) => m.pkg).join(" ")}`,
      ]),
  ...(onPath("terraform") ? [] : ["terraform is not on PATH: install Terraform >= 1.11 (README, Quick start)"]),
];
for (const problem of problems) console.error(problem);
process.exit(problems.length === 0 ? 0 : 1);
