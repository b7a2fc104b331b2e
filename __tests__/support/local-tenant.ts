/** Helpers shared by the local tenant's tests: temp dirs, free ports, tenants synthesized into temp dirs, Terraform env. */
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { parseTenantFile, type Tenant } from "../../src/config/load-tenants";
import { requestJson } from "../../src/local-run/client";
import { localTerraformEnv, stackRunner, type StackRunner } from "../../src/local-run/deploy";
import type { LocalTenant } from "../../src/local-tenant/server";
import { synthTenants } from "../../src/synth/synth-tenants";
import { tempDir as newTempDir } from "./temp-dir";

export function tempDir(prefix: string): string {
  return newTempDir(`local-tenant-${prefix}`);
}

/** A port nobody listens on right now (for tests that must know the port before the tenant starts). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

/** A tenant file for `domain`, parsed by the real schema, with a local backend. */
export function tenantFor(name: string, domain: string, flow: "append" | "authoritative" = "authoritative"): Tenant {
  const text = [
    `domain: ${domain}`,
    "claims:",
    '  namespace: ""',
    "  id_token: [usertype, coops, coopnames]",
    `post_login_flow: ${flow}`,
    "backend:",
    "  type: local",
    `  path: state/${name}.tfstate`,
  ].join("\n");
  const parsed = parseTenantFile(`${name}.yaml`, text);
  if ("problems" in parsed) throw new Error(JSON.stringify(parsed.problems));
  return { ...parsed.tenant, name, file: `${name}.yaml` };
}

/** Synthesizes `tenants` into <root>/cdktf.out (state then lands in <root>/state/). Returns each stack's dir. */
export function synthInto(root: string, tenants: Tenant[]): string[] {
  return synthTenants(tenants, join(root, "cdktf.out")).map((s) => s.dir);
}

/**
 * One plugin cache per test process, so the provider is installed once per test file. Not one per
 * machine: Terraform's plugin cache is not safe for concurrent inits from parallel jest workers.
 */
let pluginCacheDir: string | undefined;
export function pluginCacheEnv(): NodeJS.ProcessEnv {
  pluginCacheDir ??= newTempDir("local-tenant-tf-plugin-cache");
  return { TF_PLUGIN_CACHE_DIR: pluginCacheDir };
}

export function runnerFor(
  dir: string,
  tenant: Pick<LocalTenant, "caBundleFile" | "clientId" | "clientSecret">,
  log?: string[],
): StackRunner {
  return stackRunner(dir, localTerraformEnv(tenant, pluginCacheEnv()), log ? (line) => log.push(line) : undefined);
}

/** Rewrites the Action code in a synthesized stack: a handler variant without touching the real handler. */
export function rewriteActionCode(stackDir: string, edit: (code: string) => string): void {
  const file = join(stackDir, "cdk.tf.json");
  const json = JSON.parse(readFileSync(file, "utf8"));
  const action = json.resource.auth0_action.add_metadata_claims;
  action.code = edit(action.code);
  writeFileSync(file, JSON.stringify(json, null, 2));
}

/** Key names of an object, in order: what conformance compares. */
export function keysOf(value: unknown): string[] {
  return Object.keys(value as object);
}

/**
 * Logs `user` in through `POST /local/login` and returns the ID token's claims (decoded, not verified:
 * the tests that verify signatures do so against the JWKS themselves). Fails the test on any other answer.
 */
export async function loginClaims(tenant: { url: string; caPem: string }, user = "kazuyuki"): Promise<Record<string, unknown>> {
  const res = await requestJson<{ id_token: string }>(`${tenant.url}/local/login`, { method: "POST", body: { user }, ca: tenant.caPem });
  if (res.status !== 200) throw new Error(`login of ${user} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return JSON.parse(Buffer.from(res.body.id_token.split(".")[1], "base64url").toString()) as Record<string, unknown>;
}
