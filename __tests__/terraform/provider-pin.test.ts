/**
 * The committed provider schema belongs to the pinned provider. Renovate (or a person) bumping
 * auth0/auth0 in cdktf.json must also regenerate provider-schema/ (`npm run provider:schema`):
 * the generated bindings come from that file, so a stale one would type-check code against the
 * old provider. This fails until both agree, with the command to run.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../src/paths";
import { runTerraform, terraformEnv } from "../../src/terraform/terraform-env";
import { tempDir } from "../support/temp-dir";

const SOURCE = "registry.terraform.io/auth0/auth0";
const pin = (JSON.parse(readFileSync(join(REPO_ROOT, "cdktf.json"), "utf8")) as { terraformProviders: string[] }).terraformProviders
  .find((p) => p.startsWith("auth0/auth0@"))!
  .split("@")[1];
const committed = () => JSON.parse(readFileSync(join(REPO_ROOT, "provider-schema", `auth0@${pin}.json`), "utf8"));

test("provider-schema/ holds exactly one schema, for the version cdktf.json pins", () => {
  expect(pin).toMatch(/^\d+\.\d+\.\d+$/);
  expect(readdirSync(join(REPO_ROOT, "provider-schema"))).toEqual([`auth0@${pin}.json`]);
  expect(committed().provider_versions).toEqual({ [SOURCE]: pin });
});

test("the committed schema is what the pinned provider itself reports (else: npm run provider:schema)", async () => {
  const dir = tempDir("provider-pin");
  writeFileSync(
    join(dir, "main.tf.json"),
    JSON.stringify({ terraform: { required_providers: { auth0: { source: "auth0/auth0", version: pin } } } }),
  );
  const env = terraformEnv({ TF_PLUGIN_CACHE_DIR: undefined });
  const init = await runTerraform(dir, ["init", "-input=false", "-no-color"], { env });
  expect(init.code).toBe(0);
  const shown = await runTerraform(dir, ["providers", "schema", "-json"], { env });
  expect(shown.code).toBe(0);
  const live = JSON.parse(shown.stdout).provider_schemas[SOURCE];
  // Compared per part so a mismatch names the resource that changed, not a 1 MB diff.
  const schema = committed().provider_schemas[SOURCE];
  expect(Object.keys(schema.resource_schemas).sort()).toEqual(Object.keys(live.resource_schemas).sort());
  for (const [name, resource] of Object.entries(live.resource_schemas))
    expect([name, schema.resource_schemas[name]]).toEqual([name, resource]);
  expect(schema.provider).toEqual(live.provider);
  expect(schema.data_source_schemas).toEqual(live.data_source_schemas);
});
