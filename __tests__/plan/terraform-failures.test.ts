/**
 * Real Terraform failures turned into one sentence that says what to do, with Terraform's own
 * error kept below it: the provider missing from the mirror, no credentials, an unset secret.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadTenants } from "../../src/config/load-tenants";
import { tenantSchema } from "../../src/config/tenant-schema";
import { savedPlan, terraformInit, terraformProcessEnv } from "../../src/terraform/commands";
import { TerraformError } from "../../src/terraform/errors";
import { openStackWorkdir } from "../../src/terraform/workdir";
import { synthTenants } from "../../src/synth/synth-tenants";
import { synthesizedActions } from "../support/plan/stack";
import { actionResource, writeState } from "../support/plan/state";
import { makeWorkspace, testEnv, removeWorkspaces, type Workspace } from "../support/plan/workspace";
import { tempDir } from "../support/temp-dir";

afterAll(removeWorkspaces);

let ws: Workspace;

beforeAll(() => {
  ws = makeWorkspace();
  synthTenants(
    loadTenants(ws.tenantsDir).filter((t) => t.name === "dev"),
    ws.outdir,
  );
});

async function failure(step: () => Promise<unknown>): Promise<string> {
  try {
    await step();
  } catch (error) {
    expect(error).toBeInstanceOf(TerraformError);
    return (error as Error).message;
  }
  throw new Error("expected the step to fail");
}

test("the provider missing from the mirror: says to run npm run provider:mirror", async () => {
  const empty = tempDir("empty-mirror");
  mkdirSync(join(empty, "mirror"));
  const config = join(empty, "terraformrc");
  writeFileSync(
    config,
    `provider_installation {\n  filesystem_mirror {\n    path = "${join(empty, "mirror")}"\n  }\n  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n}\n`,
  );
  const workdir = openStackWorkdir(join(ws.outdir, "stacks", "dev"), "dev", { localStateDir: ws.stateDir });
  try {
    const message = await failure(() => terraformInit(workdir.dir, { ...terraformProcessEnv(testEnv()), TF_CLI_CONFIG_FILE: config }));
    expect(message.split("\n")[0]).toBe(
      'the auth0 provider is missing from the local provider mirror: run "npm run provider:mirror" (builds it with Go), then retry',
    );
    expect(message).toContain("Error:");
  } finally {
    workdir.dispose();
  }
});

test("no credentials, as the provider itself reports it", async () => {
  const workdir = openStackWorkdir(join(ws.outdir, "stacks", "dev"), "dev", { localStateDir: ws.stateDir });
  try {
    const env = terraformProcessEnv(testEnv({}));
    await terraformInit(workdir.dir, env);
    const message = await failure(() => savedPlan(workdir.dir, [], env));
    expect(message.split("\n")[0]).toBe(
      "no Auth0 credentials: set AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET (or AUTH0_API_TOKEN) in the environment",
    );
    expect(message).toContain("AUTH0_DOMAIN is required");
  } finally {
    workdir.dispose();
  }
});

test("a tenant that cannot be reached while refreshing: says what to check", async () => {
  // Port 1 on localhost: nothing listens there, so the refresh fails at once with "connection refused".
  const unreachable = {
    ...tenantSchema.parse({ domain: "localhost:1", claims: { namespace: "", id_token: ["usertype"] } }),
    name: "unreachable",
    file: "tenants/unreachable.yaml",
  };
  synthTenants([unreachable], ws.outdir);
  const [claims] = synthesizedActions(ws.outdir, "unreachable");
  const stateDir = join(ws.root, "unreachable-state");
  mkdirSync(stateDir);
  writeState(join(stateDir, "unreachable.tfstate"), [
    actionResource(claims.resourceName, { id: "act_1", name: claims.name, code: claims.code, secretNames: claims.secretNames }),
  ]);
  const workdir = openStackWorkdir(join(ws.outdir, "stacks", "unreachable"), "unreachable", { localStateDir: stateDir });
  try {
    const env = terraformProcessEnv(testEnv({ AUTH0_API_TOKEN: "unreachable-test-token" }));
    await terraformInit(workdir.dir, env);
    const message = await failure(() => savedPlan(workdir.dir, [], env));
    expect(message.split("\n")[0]).toMatch(/^cannot reach the tenant's Management API/);
    expect(message).toContain("connection refused");
  } finally {
    workdir.dispose();
  }
});

test("no terraform on PATH: a step failure that says to install it, not a crash", async () => {
  const workdir = openStackWorkdir(join(ws.outdir, "stacks", "dev"), "dev", { localStateDir: ws.stateDir });
  try {
    const env = { ...terraformProcessEnv(testEnv()), PATH: tempDir("no-terraform") };
    const message = await failure(() => terraformInit(workdir.dir, env));
    expect(message).toMatch(/cannot run terraform .*install Terraform >= 1\.11 and put it on PATH/);
  } finally {
    workdir.dispose();
  }
});
