/**
 * Benchmarks for the README (not a test): synth wall time for 1 and 50 tenants through the
 * same entry point `cdktf synth` runs (main.ts), deployed code size, handler time per call.
 * Usage: npm run bench   (prints a Markdown table)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { bundlePostLoginHandler } from "../src/bundle/bundle-action";
import { loadActionModule, recordingApi, emptyOutcome } from "../src/actions-runtime/run-post-login";
import { errorReport } from "../src/errors";

const RUNS = 3;

function tenantDir(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), `bench-tenants-${count}-`));
  for (let i = 0; i < count; i++) {
    writeFileSync(
      join(dir, `tenant-${String(i).padStart(3, "0")}.yaml`),
      `domain: coop-${i}.eu.auth0.com\nclaims:\n  namespace: "https://claims.coop.example"\n  id_token: [usertype, coops, coopnames]\nbackend: { type: local, path: state/tenant-${i}.tfstate }\n`,
    );
  }
  return dir;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function synthSeconds(count: number): number {
  const tenants = tenantDir(count);
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const outdir = join(mkdtempSync(join(tmpdir(), "bench-out-")), "cdktf.out");
    mkdirSync(outdir, { recursive: true });
    const start = performance.now();
    execFileSync(process.execPath, [require.resolve("tsx/cli"), "main.ts"], {
      env: { ...process.env, TENANTS_DIR: tenants, CDKTF_OUTDIR: outdir },
      stdio: "ignore",
    });
    times.push((performance.now() - start) / 1000);
  }
  return median(times);
}

async function handlerMicroseconds(calls: number): Promise<number> {
  const { code } = bundlePostLoginHandler("add-metadata-claims");
  const handler = loadActionModule(code).onExecutePostLogin as (e: unknown, a: unknown) => Promise<void>;
  const event = {
    user: { app_metadata: { usertype: "member", coops: ["coop-north", "coop-south"], coopnames: ["Coop North", "Coop South"] } },
    secrets: { CLAIMS_CONFIG: JSON.stringify({ namespace: "", id_token: ["usertype", "coops", "coopnames"], access_token: [] }) },
  };
  for (let i = 0; i < 1000; i++) await handler(event, recordingApi(emptyOutcome())); // warm up
  const start = performance.now();
  for (let i = 0; i < calls; i++) await handler(event, recordingApi(emptyOutcome()));
  return ((performance.now() - start) * 1000) / calls;
}

async function main(): Promise<void> {
  const code = bundlePostLoginHandler("add-metadata-claims").code;
  process.stderr.write("bench: synth 1 tenant...\n");
  const one = synthSeconds(1);
  process.stderr.write("bench: synth 50 tenants...\n");
  const fifty = synthSeconds(50);
  process.stderr.write("bench: handler calls...\n");
  const perCall = await handlerMicroseconds(100_000);
  console.log("| measure | result |");
  console.log("|---|---|");
  console.log(`| synth wall time, 1 tenant (median of ${RUNS}, process start included) | ${one.toFixed(2)} s |`);
  console.log(`| synth wall time, 50 tenants (median of ${RUNS}) | ${fifty.toFixed(2)} s |`);
  console.log(
    `| deployed Action code | ${Buffer.byteLength(code)} bytes (${((Buffer.byteLength(code) / 102400) * 100).toFixed(1)}% of 100 kB) |`,
  );
  console.log(`| handler time per call (seed user, 100,000 calls, bundled code in a vm context) | ${perCall.toFixed(2)} µs |`);
}

main().catch((error: unknown) => {
  console.error(errorReport(error));
  process.exit(1);
});
