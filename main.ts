/**
 * The cdktf app: one TenantStack per file in tenants/. `npx cdktf synth` writes
 * cdktf.out/stacks/<tenant>/cdk.tf.json; `npx cdktf deploy <tenant>` applies one.
 */
import { App } from "cdktf";
import { loadTenants, TenantConfigError } from "./src/config/load-tenants";
import { UserFacingError } from "./src/errors";
import { TenantStack } from "./src/stacks/tenant-stack";

try {
  const app = new App();
  for (const tenant of loadTenants(process.env.TENANTS_DIR ?? "tenants")) new TenantStack(app, tenant);
  app.synth();
} catch (error) {
  if (!(error instanceof UserFacingError)) throw error;
  // A config or construct problem is the user's to fix: say what and where, without a stack trace.
  console.error(error instanceof TenantConfigError ? `Invalid tenant configuration:\n${error.message}` : error.message);
  process.exit(1);
}
