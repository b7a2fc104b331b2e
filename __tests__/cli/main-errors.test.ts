/**
 * main.ts, the app `cdktf synth` runs: a problem the user can fix (a tenant file the loader refuses,
 * props a construct refuses) is one clear message on stderr and exit code 1, never a stack trace.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../src/paths";
import { tempDir } from "../support/temp-dir";

function synthApp(tenantFile: string): { status: number | null; stderr: string; stdout: string } {
  const tenants = tempDir("main-errors-tenants");
  writeFileSync(join(tenants, "dev.yaml"), tenantFile);
  const run = spawnSync(join(REPO_ROOT, "node_modules", ".bin", "tsx"), ["main.ts"], {
    cwd: REPO_ROOT,
    env: { ...process.env, TENANTS_DIR: tenants, CDKTF_OUTDIR: join(tempDir("main-errors-out"), "cdktf.out") },
    encoding: "utf8",
  });
  return { status: run.status, stderr: run.stderr, stdout: run.stdout };
}

const tenant = (actionFields: string) => `domain: coop-dev.eu.auth0.com
claims: { namespace: "", id_token: [usertype] }
flows:
  post-login:
    actions:
      - handler: add-metadata-claims
${actionFields}
backend: { type: local, path: state/dev.tfstate }
`;

it("prints a construct's validation error as its one-line message and exits 1", () => {
  const { status, stderr, stdout } = synthApp(tenant("        adopted_code: actions/post-login/gone.js"));
  expect(status).toBe(1);
  expect(stdout).toBe("");
  expect(stderr).toBe(
    "dev/claims: flows.post-login.actions[0].adopted_code: actions/post-login/gone.js does not exist; " +
      "run npm run adopt again or remove the field [ADOPTED_CODE_MISSING]\n",
  );
});

it("prints a tenant file the loader refuses under its heading, without a stack trace, and exits 1", () => {
  const { status, stderr } = synthApp(tenant("        secrets: { api-key: { env: API_KEY } }"));
  expect(status).toBe(1);
  expect(stderr).toMatch(/^Invalid tenant configuration:\n.*dev\.yaml: flows\.post-login\.actions\[0\]\.secrets/);
  expect(stderr).not.toMatch(/^\s+at /m);
});
