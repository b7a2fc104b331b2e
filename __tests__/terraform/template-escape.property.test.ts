/**
 * The real Terraform reads every escaped literal back as the text it was given. One stack carries
 * a batch of arbitrary strings (fast-check, fixed seed: the same batch every run) as Action names,
 * binding display names (append and authoritative flows) and Action settings; one `terraform plan`
 * from empty state (creation makes no API call: the provider's domain does not even resolve) and
 * `terraform show -json` must give back each string unchanged.
 *
 * Settings travel in `secrets_wo`, which Terraform never shows. Their exact JSON strings are copied
 * into outputs of a second file in the stack's directory: the same template parser reads them.
 *
 * One normalisation is Terraform's, not ours: cty stores every string in Unicode NFC, so
 * "e\u0301" reaches Auth0 as "é". Expected values are the NFC form.
 */
import { App } from "cdktf";
import fc from "fast-check";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Tenant } from "../../src/config/load-tenants";
import { CLAIMS_HANDLER, tenantSchema } from "../../src/config/tenant-schema";
import { Auth0Action } from "../../src/constructs/auth0-action";
import { TenantStack } from "../../src/stacks/tenant-stack";
import { POST_LOGIN, terraformName, triggerSpec } from "../../src/triggers";
import { runTerraform, terraformEnv } from "../../src/terraform/terraform-env";
import { tempDir } from "../support/temp-dir";

const TENANT = "escape-batch";
const SETTINGS_PER_ACTION = 30; // Auth0's limit of secrets per Action
/** Auth0 binds at most 20 Actions per trigger: four flows, both modes, carry the names. */
const FLOWS = [
  { trigger: "post-login", mode: "append", size: 19 }, // + the claims Action, which every tenant binds first
  { trigger: "credentials-exchange", mode: "authoritative", size: 20 },
  { trigger: "post-user-registration", mode: "append", size: 20 },
  { trigger: "post-change-password", mode: "authoritative", size: 20 },
] as const;
const BATCH_SIZE = FLOWS.reduce((n, f) => n + f.size, 0);

/** Text made of the pieces that matter to Terraform's template parser, JSON and the shell. */
const templateLike = fc.string({
  unit: fc.constantFrom(
    "${",
    "%{",
    "$${",
    "%%{",
    "${~",
    "}",
    "{",
    "$",
    "%",
    "\\",
    '"',
    "'",
    "`",
    'file("/etc/hostname")',
    "var.x",
    " ",
    "\n",
    "é",
    "e\u0301",
  ),
  minLength: 1,
  maxLength: 12,
});
const anyText = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: "binary", minLength: 1, maxLength: 40 }),
  templateLike,
  templateLike,
);
// Names are 1..100 characters (tenant schema); CDK for Terraform's own token markers are refused, not escaped.
const batchArbitrary = fc.uniqueArray(
  anyText.filter((s) => s.length <= 100 && !s.includes("TfToken[")),
  { minLength: BATCH_SIZE, maxLength: BATCH_SIZE },
);
const [batch] = fc.sample(batchArbitrary, { numRuns: 1, seed: 20261205 });
/** Each flow's share of the batch, as Action names (and so the bindings' display names). */
const flowNames = FLOWS.map((flow, i) => {
  const start = FLOWS.slice(0, i).reduce((n, f) => n + f.size, 0);
  return { ...flow, names: batch.slice(start, start + flow.size) };
});
const settingValues = batch;

const root = tempDir("escape-property");
afterAll(() => rmSync(root, { recursive: true, force: true }));

const env = terraformEnv({
  TF_PLUGIN_CACHE_DIR: undefined,
  AUTH0_CLIENT_ID: "placeholder-id",
  AUTH0_CLIENT_SECRET: "placeholder-secret",
  AUTH0_API_TOKEN: undefined,
});

/** A handler file per Action (handlers are unique per tenant: they name the resources). */
function writeHandler(trigger: string, handler: string, entryPoint: string): string {
  const file = join(root, "actions", trigger, `${handler}.ts`);
  mkdirSync(join(root, "actions", trigger), { recursive: true });
  writeFileSync(file, `export const ${entryPoint} = async (): Promise<void> => undefined;\n`);
  return file;
}

/** The handler of a flow's i-th batch Action: unique per tenant, as handlers name the resources. */
const handlerName = (trigger: string, i: number) =>
  `${trigger
    .split("-")
    .map((w) => w[0])
    .join("")}-${i}`;

function batchTenant(): Tenant {
  const flows = Object.fromEntries(
    flowNames.map(({ trigger, mode, names }) => {
      const entries = names.map((name, i) => {
        writeHandler(trigger, handlerName(trigger, i), triggerSpec(trigger).entryPoint);
        return { handler: handlerName(trigger, i), name };
      });
      return [trigger, { mode, actions: trigger === POST_LOGIN ? [{ handler: CLAIMS_HANDLER }, ...entries] : entries }];
    }),
  );
  const file = tenantSchema.parse({
    domain: "escape-batch.example.invalid",
    claims: { namespace: "https://claims.example.com", id_token: ["usertype"] },
    flows,
  });
  return { ...file, name: TENANT, file: `tenants/${TENANT}.yaml` };
}

let shown: {
  resource_changes: Array<{ address: string; change: { after: Record<string, any> } }>;
  planned_values: { outputs: Record<string, { value: unknown }> };
};
/** Setting name -> the string it was given, per settings Action. */
const settingsGiven: Array<{ resource: string; values: Record<string, string> }> = [];

beforeAll(async () => {
  const app = new App({ outdir: join(root, "cdktf.out"), stackTraces: false });
  const stack = new TenantStack(app, batchTenant(), { handlersRoot: join(root, "actions") });
  for (let start = 0, k = 0; start < settingValues.length; start += SETTINGS_PER_ACTION, k++) {
    const values = Object.fromEntries(settingValues.slice(start, start + SETTINGS_PER_ACTION).map((v, j) => [`S_${start + j}`, v]));
    new Auth0Action(stack, `settings-${k}`, {
      trigger: "post-login",
      handler: `settings-${k}`,
      entry: writeHandler("post-login", `settings-${k}`, "onExecutePostLogin"),
      name: `settings ${k}`,
      settings: values,
    });
    settingsGiven.push({ resource: `settings_${k}`, values });
  }
  app.synth();

  const dir = join(root, "cdktf.out", "stacks", TENANT);
  // The settings' strings exactly as synthesized, re-read by Terraform as output values.
  const synthesized = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
  const probes: Record<string, { value: string }> = {};
  for (const { resource } of settingsGiven) {
    for (const secret of synthesized.resource.auth0_action[resource].secrets_wo as Array<{ name: string; value: string }>) {
      probes[`setting_${secret.name}`] = { value: secret.value };
    }
  }
  writeFileSync(join(dir, "settings-probe.tf.json"), JSON.stringify({ output: probes }));

  const init = await runTerraform(dir, ["init", "-input=false", "-no-color"], { env });
  if (init.code !== 0) throw new Error(`terraform init failed:\n${init.stderr}`);
  const plan = await runTerraform(dir, ["plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=batch.tfplan"], { env });
  if (plan.code !== 2) throw new Error(`terraform plan exited ${plan.code}:\n${plan.stderr}`);
  shown = JSON.parse((await runTerraform(dir, ["show", "-json", "batch.tfplan"], { env })).stdout);
});

const after = (address: string) => {
  const change = shown.resource_changes.find((r) => r.address === address);
  if (!change) throw new Error(`${address} is not in the plan`);
  return change.change.after;
};
const expected = (text: string) => text.normalize("NFC");

it("the batch holds Terraform templates, escapes and plain text alike", () => {
  expect(batch.filter((s) => /(?<!\$)\$\{/.test(s)).length).toBeGreaterThan(5);
  expect(batch.filter((s) => /(?<!%)%\{/.test(s)).length).toBeGreaterThan(5);
  expect(batch.filter((s) => s.includes("$${")).length).toBeGreaterThan(0);
  expect(batch.filter((s) => !/[$%]\{/.test(s)).length).toBeGreaterThan(5);
});

it("plans every Action name as given", () => {
  for (const { trigger, names } of flowNames) {
    names.forEach((name, i) => {
      const address = `auth0_action.${terraformName(handlerName(trigger, i))}`;
      expect([address, after(address).name]).toEqual([address, expected(name)]);
    });
  }
});

it("plans every binding's display_name as given (append: one resource each; authoritative: one list)", () => {
  for (const { trigger, mode, names } of flowNames) {
    if (mode === "authoritative") {
      const listed = (after(`auth0_trigger_actions.${terraformName(trigger)}_flow`).actions as Array<{ display_name: string }>).map(
        (a) => a.display_name,
      );
      expect(listed).toEqual(names.map(expected));
      continue;
    }
    // Binding 0 of the post-login flow is the claims Action.
    const offset = trigger === POST_LOGIN ? 1 : 0;
    names.forEach((name, i) => {
      const address = `auth0_trigger_action.${terraformName(trigger)}_binding_${i + offset}`;
      expect([address, after(address).display_name]).toEqual([address, expected(name)]);
    });
  }
});

it("reads every setting's value as given", () => {
  const outputs = shown.planned_values.outputs;
  for (const { values } of settingsGiven) {
    for (const [name, value] of Object.entries(values)) expect([name, outputs[`setting_${name}`]?.value]).toEqual([name, expected(value)]);
  }
});
