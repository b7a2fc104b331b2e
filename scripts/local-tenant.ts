/**
 * `npm run local-tenant`: the local Auth0 tenant alone, in the foreground. When it is ready it
 * prints one JSON line on stdout, {"url", "caFile", "token"}, and serves until interrupted.
 *   --port <n>        default 8443 (the port of tenants/local.yaml); 0 picks a free one
 *   --state-dir <dir> default .local/tenant
 *   --users-dir <dir> default fixtures/users
 *   --clients-dir <dir> default fixtures/clients (applications of the OIDC login, docs/local-tenant.md)
 *   --build-ms <n>    how long each Action build takes (default 0)
 *   --seed <file>     pre-populate an empty tenant from a seed file (YAML/JSON: Actions, bindings, Rules, Hooks)
 *   --log             one line per request on stderr
 */
import { parseArgs } from "node:util";
import { startLocalTenant } from "../src/local-tenant/server";
import { errorReport } from "../src/errors";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      "state-dir": { type: "string" },
      "users-dir": { type: "string" },
      "clients-dir": { type: "string" },
      "build-ms": { type: "string" },
      seed: { type: "string" },
      log: { type: "boolean", default: false },
    },
    strict: true,
  });
  const port = values.port === undefined ? undefined : integer("--port", values.port, 0, 65535);
  const buildMs = values["build-ms"] === undefined ? undefined : integer("--build-ms", values["build-ms"], 0, 600_000);
  const tenant = await startLocalTenant({
    ...(port !== undefined ? { port } : {}),
    ...(buildMs !== undefined ? { buildMs } : {}),
    ...(values["state-dir"] ? { stateDir: values["state-dir"] } : {}),
    ...(values["users-dir"] ? { usersDir: values["users-dir"] } : {}),
    ...(values.seed ? { seedFile: values.seed } : {}),
    ...(values["clients-dir"] ? { clientsDir: values["clients-dir"] } : {}),
    ...(values.log ? { log: (line: string) => process.stderr.write(`local-tenant: ${line}\n`) } : {}),
  });
  if (tenant.seeded) {
    const s = tenant.seeded;
    process.stderr.write(
      s.applied
        ? `local-tenant: seeded ${s.actions} Action(s), ${s.rules} Rule(s), ${s.hooks} Hook(s)\n`
        : `local-tenant: seed not applied: ${s.reason}\n`,
    );
  }
  process.stderr.write(`local-tenant: serving ${tenant.url} (state ${tenant.stateFile}); Ctrl-C stops it\n`);
  process.stderr.write(
    `local-tenant: OIDC login at ${tenant.url}/.well-known/openid-configuration for ${tenant.clients
      .list()
      .map((c) => c.client_id)
      .join(", ")} (secrets: client-secrets.json in the state directory)\n`,
  );
  process.stdout.write(`${JSON.stringify({ url: tenant.url, caFile: tenant.caFile, token: tenant.token })}\n`);
  const stop = () => {
    tenant.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

function integer(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${flag} must be an integer from ${min} to ${max}, not "${raw}"`);
  return n;
}

main().catch((error: unknown) => {
  process.stderr.write(`local-tenant: ${errorReport(error)}\n`);
  process.exit(1);
});
