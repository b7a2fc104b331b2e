/**
 * The seed Rule, end to end: `npm run migrate-rule` converts it (and writes the tenant entry),
 * the conversion matches the hand-written Action on realistic logins (and differs exactly where
 * documented), and the converted handler deploys through the stacks: a copy of the project
 * synthesizes it with cdktf, and the real Terraform + provider plan the Action with its code.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
// Converted code runs in the Action sandbox, never in the test process.
import { runPostLoginSandboxed as runPostLogin } from "../../src/sandbox/sandboxed-outcome";
import { bundlePostLoginHandler } from "../../src/bundle/bundle-action";
import { runTerraform, terraformEnv } from "../../src/terraform/terraform-env";
import { unescapeTerraformTemplate } from "../../src/terraform/template-escape";
import { eventFromLogin } from "../../src/parity/event-from-login";
import { loadFixtureFile, normalizeFixture, parseFixtureFile, type FixtureFile } from "../../src/parity/fixtures";
import { actionOutcome, compareOutcomes } from "../../src/parity/outcome";
import { bundleActionFile } from "../../src/parity/run-parity";
import { tempDir } from "../support/temp-dir";

const ROOT = join(__dirname, "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const SEED_FIXTURES = loadFixtureFile(join(ROOT, "rules", "add-metadata-to-user-profile.fixtures.json")).fixtures;

/** A copy of the project (sources, tenant file; node_modules and bindings linked) that a test may change. */
function projectCopy(): string {
  const dir = tempDir("seed-deploy");
  for (const entry of ["src", "actions", "rules", "main.ts", "cdktf.json", "tsconfig.json", "package.json"])
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  mkdirSync(join(dir, "scripts"));
  cpSync(join(ROOT, "scripts", "migrate-rule.ts"), join(dir, "scripts", "migrate-rule.ts"));
  for (const entry of ["node_modules", ".gen"]) symlinkSync(join(ROOT, entry), join(dir, entry));
  mkdirSync(join(dir, "tenants"));
  cpSync(join(ROOT, "tenants", "dev.yaml"), join(dir, "tenants", "dev.yaml"));
  return dir;
}

const project = projectCopy();
const handlerFile = join(project, "actions", "post-login", "add-metadata-to-user-profile.ts");
// As a user runs it in their checkout: npm run migrate-rule -- rules/add-metadata-to-user-profile.js --tenant dev
const migrate = spawnSync(TSX, ["scripts/migrate-rule.ts", "rules/add-metadata-to-user-profile.js", "--tenant", "dev"], {
  cwd: project,
  encoding: "utf8",
});

it("npm run migrate-rule converts the seed fully, reports what changed and adds the Action to the tenant file", () => {
  expect(migrate.stderr).toBe("");
  expect(migrate.status).toBe(0);
  expect(migrate.stdout).toContain(
    "rules/add-metadata-to-user-profile.js → actions/post-login/add-metadata-to-user-profile.ts (exports onExecutePostLogin)",
  );
  expect(migrate.stdout).toContain("line 5: context.idToken[`${namespace}/usertype`] = … → api.idToken.setCustomClaim(…)");
  expect(migrate.stdout).toContain("line 13: callback(null, user, context) → end of handler");
  expect(migrate.stdout).toContain("Type check (the project's strict tsconfig): ok");
  expect(migrate.stdout).toContain("Added the entry in tenants/dev.yaml.");

  const tenantText = readFileSync(join(project, "tenants", "dev.yaml"), "utf8");
  expect(tenantText.startsWith("# Development tenant. Deployed on every merge to main.\n")).toBe(true);
  expect(tenantText).toContain("# Apps read the names the Rule produced");
  // dev.yaml declares its flows; the converted Rule is bound after the claims Action.
  expect(parse(tenantText).flows["post-login"].actions).toEqual([
    { handler: "add-metadata-claims" },
    { handler: "add-metadata-to-user-profile" },
  ]);
});

it("npm run parity finds the converted seed equal to the Rule", () => {
  const parity = spawnSync(
    TSX,
    [join(ROOT, "scripts", "parity.ts"), "rules/add-metadata-to-user-profile.js", "actions/post-login/add-metadata-to-user-profile.ts"],
    { cwd: project, encoding: "utf8" },
  );
  expect(parity.stderr).toBe("");
  expect(parity.status).toBe(0);
  expect(parity.stdout).toContain(`${SEED_FIXTURES.length} fixture(s): ${SEED_FIXTURES.length} the same, 0 different`);
});

describe("the converted seed next to the hand-written actions/post-login/add-metadata-claims.ts", () => {
  const handWritten = bundlePostLoginHandler("add-metadata-claims").code;
  const claimsConfig = { CLAIMS_CONFIG: JSON.stringify({ namespace: "", id_token: ["usertype", "coops", "coopnames"], access_token: [] }) };

  async function differences(fixtures: FixtureFile["fixtures"]): Promise<Record<string, string[]>> {
    const converted = bundleActionFile(handlerFile);
    const result: Record<string, string[]> = {};
    for (const fixture of fixtures) {
      const login = normalizeFixture(fixture);
      const event = eventFromLogin(login);
      const fromConverted = actionOutcome(await runPostLogin(converted, event), login, []);
      const fromHandWritten = actionOutcome(await runPostLogin(handWritten, { ...event, secrets: claimsConfig }), login, []);
      result[fixture.name] = compareOutcomes(fromConverted, fromHandWritten);
    }
    return result;
  }

  it("sets the same claims for the seed's fixtures", async () => {
    expect(await differences(SEED_FIXTURES)).toEqual(Object.fromEntries(SEED_FIXTURES.map((f) => [f.name, []])));
  });

  it("differs only where documented: the Rule's truthiness test skips 0 and false, and keeps [] and {}", async () => {
    const edge = parseFixtureFile("edge", {
      fixtures: [
        { name: "zero and false", user: { user_id: "auth0|e1", app_metadata: { usertype: 0, coops: false } } },
        { name: "empty list and object", user: { user_id: "auth0|e2", app_metadata: { coops: [], coopnames: {} } } },
      ],
    }).fixtures;
    // "Rule" here is the converted Action (it behaves like the Rule; parity proves it), "Action" the hand-written one.
    expect(await differences(edge)).toEqual({
      "zero and false": ['ID token claim "/usertype": Rule (not set), Action 0', 'ID token claim "/coops": Rule (not set), Action false'],
      "empty list and object": [
        'ID token claim "/coops": Rule [], Action (not set)',
        'ID token claim "/coopnames": Rule {}, Action (not set)',
      ],
    });
  });
});

describe("deploying the converted seed through the stacks", () => {
  const synth = spawnSync(TSX, ["main.ts"], { cwd: project, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  const stackDir = join(project, "cdktf.out", "stacks", "dev");

  it("synthesizes the tenant with the converted Action, bound after the claims Action, running as the Rule did", async () => {
    expect(synth.stderr).toBe("");
    expect(synth.status).toBe(0);
    const stack = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
    const action = stack.resource.auth0_action.add_metadata_to_user_profile;
    expect(action).toMatchObject({
      name: "add-metadata-to-user-profile",
      runtime: "node22",
      deploy: true,
      supported_triggers: { id: "post-login", version: "v3" },
    });
    expect(stack.resource.auth0_trigger_action.post_login_binding_1).toMatchObject({
      action_id: "${auth0_action.add_metadata_to_user_profile.id}",
    });

    const code = unescapeTerraformTemplate(action.code);
    expect(code.startsWith("// actions/post-login/add-metadata-to-user-profile.ts: generated by esbuild")).toBe(true);
    expect(code).toContain("api.idToken.setCustomClaim(`${namespace}/usertype`, event.user.app_metadata.usertype);");
    const login = normalizeFixture(SEED_FIXTURES[0]);
    const outcome = await runPostLogin(code, eventFromLogin(login));
    expect(outcome.idTokenClaims).toEqual({
      "/usertype": "member",
      "/coops": ["coop-north", "coop-south"],
      "/coopnames": ["Coop North", "Coop South"],
    });
  });

  it("is planned by the real Terraform and provider with that code", async () => {
    const env = terraformEnv({
      TF_PLUGIN_CACHE_DIR: undefined,
      AUTH0_CLIENT_ID: "placeholder-id",
      AUTH0_CLIENT_SECRET: "placeholder-secret",
      AUTH0_API_TOKEN: undefined,
    });
    expect((await runTerraform(stackDir, ["init", "-input=false", "-no-color"], { env })).code).toBe(0);
    const plan = await runTerraform(stackDir, ["plan", "-input=false", "-no-color", "-out=dev.tfplan"], { env });
    expect(plan.code).toBe(0);
    const shown = JSON.parse(execFileSync("terraform", [`-chdir=${stackDir}`, "show", "-json", "dev.tfplan"], { env, encoding: "utf8" }));
    const created = shown.resource_changes.find((r: { address: string }) => r.address === "auth0_action.add_metadata_to_user_profile");
    expect(created.change.actions).toEqual(["create"]);
    expect(created.change.after.code).toBe(
      unescapeTerraformTemplate(
        JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")).resource.auth0_action.add_metadata_to_user_profile.code,
      ),
    );
  });
});
