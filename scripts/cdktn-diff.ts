/**
 * npm run synth:cdktn-diff [-- --keep]
 *
 * Synthesizes every tenant with cdktf (the default, Node 20) and with CDK Terrain (cdktn, Node 22) and
 * compares each cdktf.out/stacks/<tenant>/cdk.tf.json byte for byte. The first run installs
 * compat/cdktn and generates its bindings. One line per tenant on stdout; progress and timings on
 * stderr. Exit code: 0 identical (or only reviewed differences, see src/compat/cdktn.ts), 1 otherwise.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { UserFacingError } from "../src/errors";
import { compareOutputs, describeComparison, prepareCdktn, synthWith, type Tool } from "../src/compat/cdktn";

function main(): number {
  const { values } = parseArgs({ options: { keep: { type: "boolean", default: false } } });
  const log = (line: string) => console.error(`synth:cdktn-diff: ${line}`);
  prepareCdktn(log);
  const work = mkdtempSync(join(tmpdir(), "cdktn-diff-"));
  const outdir = (tool: Tool) => join(work, tool, "cdktf.out");
  for (const tool of ["cdktf", "cdktn"] as const) log(`${tool} synth: ${(synthWith(tool, outdir(tool)) / 1000).toFixed(1)} s`);
  const results = compareOutputs(outdir("cdktf"), outdir("cdktn"));
  console.log(describeComparison(results));
  if (values.keep) log(`outputs kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
  return results.length > 0 && results.every((r) => r.unexplained.length === 0) ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (error) {
  if (!(error instanceof UserFacingError)) throw error;
  console.error(`synth:cdktn-diff: ${error.message}`);
  process.exitCode = 1;
}
