/**
 * What the Action sandbox costs. Measures, with the repository's claims handler as deployed:
 *   1. one execution in-process in a `vm` context (src/actions-runtime: what logins used before);
 *   2. one execution in a sandbox process (src/sandbox: what logins use now);
 *   3. the same with a process started ahead (SandboxPool), logins 300 ms apart as people log in;
 *   4. a login through the HTTPS local tenant (sandbox + claim rules + RS256 signing), back to back
 *      and 300 ms apart (the pause is not counted), with warm Action workers (the default: one process
 *      per deployed version, kept between executions);
 *   5. the same logins cold: `actionWorkers: { maxExecutions: 1 }`, a fresh process per execution;
 *   6. one execution of the claims Action in a warm worker (WarmActionPool.run), the process already up.
 * Prints a Markdown table for docs/local-tenant.md. Timings live here, never in tests.
 *
 *   npm run bench:sandbox -- --runs 100
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bundlePostLoginHandler } from "../src/bundle/bundle-action";
import { runPostLogin } from "../src/actions-runtime/run-post-login";
import { requestJson } from "../src/local-run/client";
import { startLocalTenant } from "../src/local-tenant/server";
import { runInSandbox, SandboxPool } from "../src/sandbox/sandbox";
import { sandboxNode } from "../src/sandbox/node-runtime";
import { WarmActionPool, type WarmPoolOptions } from "../src/sandbox/warm-pool";
import type { Event } from "../actions/types/post-login-v3";
import { errorReport } from "../src/errors";

const CLAIMS_CONFIG = JSON.stringify({ namespace: "", id_token: ["usertype", "coops", "coopnames"], access_token: [] });

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "100" } }, strict: true });
  const runs = Number(values.runs);
  const loadBefore = loadavg()[0];
  const code = bundlePostLoginHandler("add-metadata-claims").code;
  const event = {
    user: {
      user_id: "auth0|1",
      app_metadata: { usertype: "member", coops: ["a", "b"], coopnames: ["A", "B"] },
      user_metadata: {},
      identities: [],
    },
    secrets: { CLAIMS_CONFIG },
  } as unknown as Event;

  const inProcess = await measure(runs, async () => {
    const outcome = await runPostLogin(code, event);
    if (outcome.error || Object.keys(outcome.idTokenClaims).length !== 3) throw new Error(`vm run failed: ${outcome.error}`);
  });
  const sandboxed = await measure(runs, async () => {
    const result = await runInSandbox({ code, trigger: "post-login", exportName: "onExecutePostLogin", event, secrets: { CLAIMS_CONFIG } });
    if (result.error || result.calls.length !== 3) throw new Error(`sandbox run failed: ${result.error}`);
  });

  const pool = new SandboxPool();
  const pooled = await measure(
    runs,
    async () => {
      const result = await runInSandbox(
        { code, trigger: "post-login", exportName: "onExecutePostLogin", event, secrets: { CLAIMS_CONFIG } },
        pool,
      );
      if (result.error || result.calls.length !== 3) throw new Error(`sandbox run failed: ${result.error}`);
    },
    PAUSE_MS,
  );
  pool.close();

  const request = { code, trigger: "post-login", exportName: "onExecutePostLogin", event, secrets: { CLAIMS_CONFIG } };
  const warmPool = new WarmActionPool();
  const key = { tenant: "bench", actionId: "act_claims", versionId: "ver_1" };
  const warmExecution = await measure(runs, async () => {
    const result = await warmPool.run(key, request);
    if (result.error || result.calls.length !== 3) throw new Error(`warm run failed: ${result.error}`);
  });
  warmPool.close();

  const warm = await tenantLogins(code, runs);
  const cold = await tenantLogins(code, runs, { maxExecutions: 1 });
  const row = (what: string, t: Timing) => `| ${what} | ${t.p50.toFixed(1)} ms | ${t.p95.toFixed(1)} ms |`;
  console.log(
    `Node ${process.version} host, sandbox ${sandboxNode().version}, ${runs} runs each, load average ${loadBefore.toFixed(1)} at the start and ${loadavg()[0].toFixed(1)} at the end (other work shares these cores), ${new Date().toISOString().slice(0, 10)}\n`,
  );
  console.log("| What | median | 95th percentile |\n|---|---|---|");
  console.log(row("claims Action, in-process `vm` context (before)", inProcess));
  console.log(row("claims Action, sandbox process (Node 22, --permission)", sandboxed));
  console.log(row(`claims Action, sandbox process started ahead, runs ${PAUSE_MS} ms apart`, pooled));
  console.log(row("claims Action, warm worker (process already up, module loaded)", warmExecution));
  console.log(row("login through the HTTPS local tenant, warm workers (default), back to back", warm.logins));
  console.log(row(`login through the HTTPS local tenant, warm workers (default), ${PAUSE_MS} ms apart`, warm.spaced));
  console.log(row("login through the HTTPS local tenant, cold (`maxExecutions: 1`), back to back", cold.logins));
  console.log(row(`login through the HTTPS local tenant, cold (\`maxExecutions: 1\`), ${PAUSE_MS} ms apart`, cold.spaced));
}

/** Logins through an HTTPS local tenant with the claims Action deployed and bound, back to back and spaced. */
async function tenantLogins(code: string, runs: number, actionWorkers?: WarmPoolOptions): Promise<{ logins: Timing; spaced: Timing }> {
  const stateDir = mkdtempSync(join(tmpdir(), "bench-sandbox-"));
  const tenant = await startLocalTenant({ stateDir, port: 0, ...(actionWorkers ? { actionWorkers } : {}) });
  try {
    const action = tenant.model.createAction({
      name: "claims",
      supported_triggers: [{ id: "post-login", version: "v3" }],
      code,
      secrets: [{ name: "CLAIMS_CONFIG", value: CLAIMS_CONFIG }],
    });
    tenant.model.deployAction(action.id);
    tenant.model.replaceBindings("post-login", [{ ref: { type: "action_id", value: action.id } }]);
    const login = async () => {
      const res = await requestJson(`${tenant.url}/local/login`, { method: "POST", body: { user: "kazuyuki" }, ca: tenant.caPem });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    };
    return { logins: await measure(runs, login), spaced: await measure(runs, login, PAUSE_MS) };
  } finally {
    await tenant.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

interface Timing {
  p50: number;
  p95: number;
}

const PAUSE_MS = 300;

async function measure(runs: number, once: () => Promise<void>, pauseMs = 0): Promise<Timing> {
  for (let i = 0; i < 5; i++) await once(); // warm-up: JIT, TLS session cache, page cache
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
    const start = process.hrtime.bigint();
    await once();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)], p95: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))] };
}

main().catch((error: unknown) => {
  console.error(errorReport(error));
  process.exit(1);
});
