/**
 * CDK Terrain (cdktn) synthesizes what cdktf synthesizes: every tenant through both CLIs, each
 * cdk.tf.json compared byte for byte. The only accepted difference is listed in
 * REVIEWED_DIFFERENCES (src/compat/cdktn.ts) and asserted here value by value, so a new one fails.
 * The first run installs compat/cdktn (npm registry) and generates its bindings; about a minute.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadTenants } from "../../src/config/load-tenants";
import { REPO_ROOT } from "../../src/paths";
import { sandboxNode } from "../../src/sandbox/node-runtime";
import {
  compareOutputs,
  compareStackFiles,
  describeComparison,
  prepareCdktn,
  REVIEWED_DIFFERENCES,
  synthWith,
} from "../../src/compat/cdktn";
import { tempDir } from "../support/temp-dir";

const readJson = <T>(...path: string[]) => JSON.parse(readFileSync(join(REPO_ROOT, ...path), "utf8")) as T;
const cdktfVersion = readJson<{ version: string }>("node_modules", "cdktf", "package.json").version;
const cdktnVersion = readJson<{ dependencies: Record<string, string> }>("compat", "cdktn", "package.json").dependencies.cdktn;

describe("every tenant's cdk.tf.json from cdktf and from cdktn", () => {
  const work = tempDir("cdktn-parity");
  const out = { cdktf: join(work, "cdktf", "cdktf.out"), cdktn: join(work, "cdktn", "cdktf.out") };

  // A first run installs compat/cdktn and generates its bindings before the two synths.
  beforeAll(() => {
    prepareCdktn();
    synthWith("cdktf", out.cdktf);
    synthWith("cdktn", out.cdktn);
  }, 420_000);

  it("covers every tenant file, and differs only in the reviewed library version stamp", () => {
    const results = compareOutputs(out.cdktf, out.cdktn);
    expect(results.map((r) => r.tenant)).toEqual(
      loadTenants("tenants")
        .map((t) => t.name)
        .sort(),
    );
    for (const r of results) {
      expect([r.tenant, r.unexplained]).toEqual([r.tenant, []]);
      expect([r.tenant, r.reviewed]).toEqual([r.tenant, [{ path: "//.metadata.version", cdktf: cdktfVersion, cdktn: cdktnVersion }]]);
    }
    // The summary `npm run synth:cdktn-diff` prints.
    expect(describeComparison(results)).not.toContain("DIFFERENT");
  });
});

describe("cdktf.json's targetVersions, as cdktn checks write-only attributes against them", () => {
  beforeAll(() => prepareCdktn(), 300_000);

  /** Synthesizes write-only-app.ts on cdktn; `context` replaces what the CLI would pass. */
  const synthWriteOnly = (context?: object) => {
    const outdir = tempDir("cdktn-write-only");
    const env = { ...process.env, CDKTF_CONTEXT_JSON: context ? JSON.stringify(context) : "" };
    const args = ["--require", "./compat/cdktn/register.cjs", "__tests__/compat/write-only-app.ts", outdir];
    const run = spawnSync(sandboxNode().path, args, { cwd: REPO_ROOT, env, encoding: "utf8" });
    return { ...run, outdir };
  };

  it("declare Terraform >= 1.11, so a write-only attribute synthesizes", () => {
    expect((JSON.parse(readFileSync(join(REPO_ROOT, "cdktf.json"), "utf8")) as { targetVersions: unknown }).targetVersions).toEqual({
      terraform: ">=1.11.0",
    });
    const run = synthWriteOnly();
    expect(run.stderr).not.toContain("Validation failed");
    expect(run.status).toBe(0);
    const tf = readFileSync(join(run.outdir, "stacks", "write-only", "cdk.tf.json"), "utf8");
    expect(tf).toContain('"client_secret_wo": "placeholder-value"');
  });

  it("are what the check reads: an older Terraform target fails synth, naming the attribute's minimum", () => {
    const run = synthWriteOnly({ targetVersions: { terraform: ">=1.10.0" } });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("write-only attributes requires terraform >=1.11.0, but the project targets terraform >=1.10.0");
  });
});

describe("the byte comparison", () => {
  const stack = (version: string, extra = {}) =>
    `${JSON.stringify({ "//": { metadata: { stackName: "dev", version } }, resource: { a: 1, ...extra } }, null, 2)}`;

  it("lists exactly the reviewed differences", () => {
    expect(REVIEWED_DIFFERENCES.map((d) => d.path)).toEqual(["//.metadata.version"]);
  });

  it("reports identical bytes as identical", () => {
    expect(compareStackFiles("dev", stack("0.21.0"), stack("0.21.0"))).toEqual({
      tenant: "dev",
      identical: true,
      reviewed: [],
      unexplained: [],
    });
  });

  it("accepts a reviewed difference, and nothing else", () => {
    const r = compareStackFiles("dev", stack("0.21.0"), stack("0.24.0"));
    expect(r).toMatchObject({
      identical: false,
      unexplained: [],
      reviewed: [{ path: "//.metadata.version", cdktf: "0.21.0", cdktn: "0.24.0" }],
    });
  });

  it("fails any other changed value", () => {
    const r = compareStackFiles("dev", stack("0.21.0"), stack("0.24.0", { b: 2 }));
    expect(r.unexplained).toEqual([{ path: "resource.b", cdktf: undefined, cdktn: 2 }]);
  });

  it("fails the same values in another order or layout", () => {
    const reordered = JSON.stringify({ resource: { a: 1 }, "//": { metadata: { stackName: "dev", version: "0.21.0" } } }, null, 2);
    expect(compareStackFiles("dev", stack("0.21.0"), reordered).unexplained).toHaveLength(1);
    expect(compareStackFiles("dev", stack("0.21.0"), JSON.stringify(JSON.parse(stack("0.21.0")))).unexplained).toHaveLength(1);
  });
});
