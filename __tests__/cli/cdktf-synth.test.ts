/**
 * `npx cdktf synth` — the command users run — works offline with no credentials, and a
 * separate process (a fresh esbuild run) produces the same bytes as the in-process synth.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadTenants } from "../../src/config/load-tenants";
import { synthTenants } from "../../src/synth/synth-tenants";
import { MIRROR_CLI_CONFIG } from "../../src/terraform/terraform-env";
import { tempDir } from "../support/temp-dir";

it("synthesizes every tenant through the cdktf CLI, byte-identical to an in-process synth", () => {
  const cliOut = join(tempDir("cli-synth"), "cdktf.out");
  // No credentials at all: synth must not need them. (The CLI still asks terraform for its version.)
  const env = {
    ...process.env,
    CHECKPOINT_DISABLE: "1",
    TF_CLI_CONFIG_FILE: MIRROR_CLI_CONFIG,
    AUTH0_CLIENT_ID: "",
    AUTH0_CLIENT_SECRET: "",
    AUTH0_API_TOKEN: "",
  };
  const stdout = execFileSync(join("node_modules", ".bin", "cdktf"), ["synth", "--output", cliOut], { env, encoding: "utf8" });
  expect(stdout).toMatch(/Generated Terraform code for the stacks: (dev|local|prod|staging)/);

  // The whole artifact is portable: no absolute path (e.g. annotation stack traces) in the manifest.
  const manifest = readFileSync(join(cliOut, "manifest.json"), "utf8");
  expect(manifest).not.toContain(process.cwd());
  expect(manifest).toContain("legacy"); // the empty-namespace warning is kept, only its stack trace goes

  const tenants = loadTenants("tenants");
  expect(readdirSync(join(cliOut, "stacks")).sort()).toEqual(tenants.map((t) => t.name).sort());
  const inProcess = synthTenants(tenants, join(tempDir("inproc-synth"), "cdktf.out"));
  for (const { tenant, dir } of inProcess) {
    const fromCli = readFileSync(join(cliOut, "stacks", tenant.name, "cdk.tf.json"), "utf8");
    expect(fromCli).toBe(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
  }
});
