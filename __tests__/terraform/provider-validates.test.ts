/**
 * The real Terraform and the real auth0/auth0 provider (from the local mirror) accept every
 * synthesized stack, and read the Action code exactly as bundled. This tier never skips: a
 * missing Terraform or provider mirror fails it with the command to run.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { loadTenants } from "../../src/config/load-tenants";
import { synthTenants } from "../../src/synth/synth-tenants";
import { runTerraform, terraformEnv } from "../../src/terraform/terraform-env";
import { tempDir } from "../support/temp-dir";

const workdir = tempDir("tenant-stacks");
const stacks = synthTenants(loadTenants("tenants"), join(workdir, "cdktf.out"));
// Credentials-shaped placeholders: planning creation makes no API call, but the provider
// refuses to configure without some credential.
const env = terraformEnv({
  TF_PLUGIN_CACHE_DIR: undefined,
  AUTH0_CLIENT_ID: "placeholder-id",
  AUTH0_CLIENT_SECRET: "placeholder-secret",
  AUTH0_API_TOKEN: undefined,
});

describe.each(stacks.map((s) => [s.tenant.name, s] as const))("stack %s", (_name, { dir }) => {
  it("passes terraform init (provider from the mirror) and terraform validate", async () => {
    // -backend=false: S3/HCP backends need their own credentials; validation does not.
    const init = await runTerraform(dir, ["init", "-backend=false", "-input=false", "-no-color"], { env });
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    expect(readFileSync(join(dir, ".terraform.lock.hcl"), "utf8")).toContain('provider "registry.terraform.io/auth0/auth0"');
    const validate = await runTerraform(dir, ["validate", "-json", "-no-color"], { env });
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, error_count: 0 });
  });
});

it("plans the dev stack from empty state with the bundled code byte for byte", async () => {
  const dev = stacks.find((s) => s.tenant.name === "dev");
  if (!dev) throw new Error("tenants/dev.yaml is missing");
  expect((await runTerraform(dev.dir, ["init", "-input=false", "-no-color"], { env })).code).toBe(0);
  const plan = await runTerraform(dev.dir, ["plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=dev.tfplan"], { env });
  expect(plan.code).toBe(2); // changes present
  const shown = JSON.parse((await runTerraform(dev.dir, ["show", "-json", "dev.tfplan"], { env })).stdout);
  const action = shown.resource_changes.find((r: { address: string }) => r.address === "auth0_action.add_metadata_claims");
  const bundled = dev.stack.actions[0].code;
  expect(action.change.after.code).toBe(bundled);
  expect(shown.planned_values.outputs.action_code_sha256.value).toEqual({
    "post-login": { "add-metadata-claims": createHash("sha256").update(bundled).digest("hex") },
  });
  expect(shown.resource_changes.map((r: { address: string }) => r.address).sort()).toEqual([
    "auth0_action.add_metadata_claims",
    "auth0_trigger_action.post_login_binding_0",
  ]);
});
