/**
 * npm run adopt -- <tenant> [--domain <domain>] [--force] [--ca-file <pem>]
 *
 * Reads the live tenant (the domain of tenants/<tenant>.yaml, or --domain for a new file) with the
 * credentials plan uses (AUTH0_API_TOKEN, or AUTH0_CLIENT_ID + AUTH0_CLIENT_SECRET) and writes its
 * Actions, bindings, Rules and Hooks into the repository for review. Exit 0 written (or nothing to
 * change), 1 local edits in the way (nothing written; --force overwrites) or an error.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { adopt, describeOutcome } from "../src/adopt/adopt";
import { managementToken } from "../src/adopt/reader";
import { errorReport } from "../src/errors";
import { REPO_ROOT } from "../src/paths";

const USAGE = "usage: npm run adopt -- <tenant> [--domain <domain>] [--force] [--ca-file <pem>]";

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      domain: { type: "string" },
      force: { type: "boolean", default: false },
      "ca-file": { type: "string" },
    },
  });
  const [tenant] = positionals;
  if (!tenant || positionals.length !== 1 || !/^[a-z0-9-]+$/.test(tenant)) {
    process.stderr.write(`${USAGE}\n`);
    return 1;
  }
  const tenantFile = join(REPO_ROOT, "tenants", `${tenant}.yaml`);
  const domain =
    values.domain ??
    (existsSync(tenantFile)
      ? (
          parseYaml(readFileSync(tenantFile, "utf8")) as {
            domain?: string;
          } | null
        )?.domain
      : undefined);
  if (!domain) {
    process.stderr.write(`adopt: tenants/${tenant}.yaml does not exist: pass --domain <tenant domain>\n`);
    return 1;
  }
  const url = `https://${domain}`;
  const ca = values["ca-file"] ? readFileSync(values["ca-file"], "utf8") : undefined;
  const env = process.env;
  const token =
    env.AUTH0_API_TOKEN?.trim() ||
    (env.AUTH0_CLIENT_ID && env.AUTH0_CLIENT_SECRET
      ? await managementToken(url, env.AUTH0_CLIENT_ID, env.AUTH0_CLIENT_SECRET, ca)
      : undefined);
  if (!token) {
    process.stderr.write(
      "adopt: no Auth0 credentials: set AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET (scopes read:actions read:rules read:hooks) or AUTH0_API_TOKEN\n",
    );
    return 1;
  }
  const result = await adopt({
    tenant,
    connection: { url, token, ...(ca ? { ca } : {}) },
    ...(values.domain ? { domain: values.domain } : {}),
    force: values.force,
  });
  process.stdout.write(`${result.summary}\n${describeOutcome(result.outcome)}\n`);
  return result.outcome.conflicts.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A refusal (a name or path adopt cannot make safe, a file in the way) is the whole message; anything else is a bug.
    process.stderr.write(`adopt: ${errorReport(error)}\n`);
    process.exit(1);
  },
);
