/**
 * A second post-login handler for tests that need a tenant with an extra Action (secrets from
 * the environment, two bindings to re-order). The repository ships only the claims handler, and
 * tests must not write into actions/, so the bundler is wrapped: this one name returns fixed
 * code, every other handler is bundled for real.
 *
 * Use in a test file:
 *   jest.mock("../../src/bundle/bundle-action", () => jest.requireActual("../support/plan/extra-handler").bundleModuleWithExtraHandler());
 */
import { createHash } from "node:crypto";

export const EXTRA_HANDLER = "plan-test-extra";
export const EXTRA_HANDLER_CODE =
  "// plan-test-extra: reads its secret, never prints it\n" +
  "exports.onExecutePostLogin = async (event, api) => {\n" +
  '  if (event.secrets.API_KEY) api.idToken.setCustomClaim("https://claims.example.com/checked", true);\n' +
  "};\n";

export function bundleModuleWithExtraHandler(): Record<string, unknown> {
  const actual = jest.requireActual("../../../src/bundle/bundle-action");
  const extra = {
    code: EXTRA_HANDLER_CODE,
    sha256: createHash("sha256").update(EXTRA_HANDLER_CODE).digest("hex"),
    inputs: [],
    modules: [],
  };
  return {
    ...actual,
    bundlePostLoginHandler: (handler: string, ...rest: unknown[]) =>
      handler === EXTRA_HANDLER ? extra : actual.bundlePostLoginHandler(handler, ...rest),
    bundleActionHandler: (trigger: string, handler: string, ...rest: unknown[]) =>
      handler === EXTRA_HANDLER ? extra : actual.bundleActionHandler(trigger, handler, ...rest),
  };
}

/**
 * A Tenant from YAML through the tenant schema, as loadTenants would return it, minus the check
 * that the handler file exists under actions/ (the extra handler exists only in the bundler above).
 */
export function tenantFromYaml(name: string, yaml: string): import("../../../src/config/load-tenants").Tenant {
  const { parse } = jest.requireActual<typeof import("yaml")>("yaml");
  const { tenantSchema } = jest.requireActual<typeof import("../../../src/config/tenant-schema")>("../../../src/config/tenant-schema");
  return { ...tenantSchema.parse(parse(yaml)), name, file: `tenants/${name}.yaml` };
}
