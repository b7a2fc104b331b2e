/**
 * Shared by the deploy/verify tests: a workspace (tenants folder, cdktf.out, state) in a temp dir,
 * tenant files pointing at local tenants, the environment a CI job would have, and a handler
 * variant switch. Tests must not write into actions/, so the bundler is wrapped: while a variant
 * is set, the claims handler's real bundle gets a suffix that adds one claim, a code change a login shows.
 *
 * Use in a test file:
 *   jest.mock("../../src/bundle/bundle-action", () => jest.requireActual("./deploy").bundleModuleWithVariant());
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./temp-dir";

export const VARIANT_CLAIM = "https://variant.example.com/version";
let variant: string | undefined;

/** Sets (or clears) the handler variant that the next synthesis bundles. */
export function setHandlerVariant(value: string | undefined): void {
  variant = value;
}

export function bundleModuleWithVariant(): Record<string, unknown> {
  const actual = jest.requireActual("../../src/bundle/bundle-action");
  const withVariant = (handler: string, real: { code: string; sha256: string }) => {
    if (variant === undefined || handler !== "add-metadata-claims") return real;
    const code =
      `${real.code}\n// variant ${variant}\n` +
      `{ const original = module.exports.onExecutePostLogin;\n` +
      `  module.exports = Object.assign({}, module.exports, { onExecutePostLogin: async (event, api) => { await original(event, api); api.idToken.setCustomClaim(${JSON.stringify(VARIANT_CLAIM)}, ${JSON.stringify(variant)}); } }); }\n`;
    return { ...real, code, sha256: createHash("sha256").update(code).digest("hex") };
  };
  return {
    ...actual,
    bundlePostLoginHandler: (handler: string, ...rest: unknown[]) => withVariant(handler, actual.bundlePostLoginHandler(handler, ...rest)),
    bundleActionHandler: (trigger: string, handler: string, ...rest: unknown[]) =>
      trigger === "post-login"
        ? withVariant(handler, actual.bundleActionHandler(trigger, handler, ...rest))
        : actual.bundleActionHandler(trigger, handler, ...rest),
  };
}

export interface Workspace {
  root: string;
  tenantsDir: string;
  outdir: string;
  stateDir: string;
}

export function makeWorkspace(prefix: string): Workspace {
  const root = tempDir(`deploy-${prefix}`);
  const ws = { root, tenantsDir: join(root, "tenants"), outdir: join(root, "cdktf.out"), stateDir: join(root, "state") };
  mkdirSync(ws.tenantsDir);
  mkdirSync(ws.stateDir);
  return ws;
}

/** Writes tenants/<name>.yaml for a tenant at `domain`. */
export function writeTenantFile(ws: Workspace, name: string, domain: string, extra: string[] = []): void {
  const text = [
    `domain: ${domain}`,
    "claims:",
    '  namespace: ""',
    "  id_token: [usertype, coops, coopnames]",
    "post_login_flow: append",
    ...extra,
    "",
  ].join("\n");
  writeFileSync(join(ws.tenantsDir, `${name}.yaml`), text);
}

/** What a CI job has: client credentials and the CA bundle of the tenant, nothing else of AUTH0_*. */
export function tenantEnv(
  tenant: { clientId: string; clientSecret: string; caBundleFile: string },
  pluginCache: string,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("AUTH0_") || key.startsWith("TF_VAR_")) delete env[key];
  return {
    ...env,
    AUTH0_CLIENT_ID: tenant.clientId,
    AUTH0_CLIENT_SECRET: tenant.clientSecret,
    SSL_CERT_FILE: tenant.caBundleFile,
    TF_PLUGIN_CACHE_DIR: pluginCache,
  };
}
