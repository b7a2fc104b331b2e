/**
 * A throwaway PostgreSQL cluster for the pg backend tests: initdb in a temp dir, a free loopback
 * port, trust auth on 127.0.0.1 only, stopped (and its files removed) at the end. PostgreSQL
 * refuses to run as root, so as root the cluster runs as the "postgres" system user.
 */
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { tempDir } from "./temp-dir";

export interface Postgres {
  connStr: string;
  stop(): void;
}

function pgBin(name: string): string {
  for (const dir of (process.env.PATH ?? "").split(":")) if (existsSync(join(dir, name))) return join(dir, name);
  const versions = existsSync("/usr/lib/postgresql") ? readdirSync("/usr/lib/postgresql").sort().reverse() : [];
  for (const v of versions) if (existsSync(join("/usr/lib/postgresql", v, "bin", name))) return join("/usr/lib/postgresql", v, "bin", name);
  throw new Error(`${name} not found: install PostgreSQL (apt-get install postgresql; .ci/run does this)`);
}

/** A loopback port nobody listens on right now, for the cluster. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export function startPostgres(port: number): Postgres {
  const root = tempDir("pg-backend-test");
  const data = join(root, "data");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(root, uid, gid);
  }
  const run = (bin: string, args: string[]) =>
    execFileSync(asRoot ? "runuser" : bin, asRoot ? ["-u", "postgres", "--", bin, ...args] : args, { stdio: ["ignore", "pipe", "pipe"] });
  run(pgBin("initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
  run(pgBin("pg_ctl"), [
    "-D",
    data,
    "-w",
    "-l",
    join(root, "log"),
    "-o",
    `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`,
    "start",
  ]);
  return {
    connStr: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    stop: () => {
      try {
        run(pgBin("pg_ctl"), ["-D", data, "-w", "-m", "immediate", "stop"]);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

/** Polls `predicate` until it holds (bounded: 60 s unless told), for waiting on what a tenant has seen. */
export async function waitFor(what: string, predicate: () => boolean, boundSeconds = 60): Promise<void> {
  for (let i = 0; i < boundSeconds * 20; i++) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
