/**
 * Warm workers (src/sandbox/warm-pool.ts): module scope is kept between executions of one deployed
 * Action version, as on Auth0's Node 22 runtime, and a worker is replaced on a new version, after a
 * failure that leaves its state unknown, after its execution budget, and when it sat idle. Two Actions
 * never share a process.
 */
import { WarmActionPool, type WarmKey } from "../../src/sandbox/warm-pool";
import type { SandboxRequest } from "../../src/sandbox/sandbox";

/** Counts executions at module level and reports the count and its process as claims. */
const COUNTER = `let count = 0;
exports.onExecutePostLogin = async (event, api) => {
  count++;
  console.log('run', count);
  if (event.user.fail === 'throw') throw new Error('handler failed');
  if (event.user.fail === 'exit') process.exit(3);
  if (event.user.fail === 'hang') await new Promise(() => {});
  if (event.user.fail === 'leak') Promise.reject(new Error('left behind'));
  api.idToken.setCustomClaim('count', count);
  api.idToken.setCustomClaim('pid', process.pid);
};`;

const key = (extra: Partial<WarmKey> = {}): WarmKey => ({ tenant: "t1", actionId: "act_1", versionId: "ver_1", ...extra });
const request = (user: Record<string, unknown> = {}, extra: Partial<SandboxRequest> = {}): SandboxRequest => ({
  code: COUNTER,
  trigger: "post-login",
  exportName: "onExecutePostLogin",
  event: { user: { user_id: "auth0|1", ...user } },
  ...extra,
});

let pool: WarmActionPool;
afterEach(() => pool.close());

async function claims(k: WarmKey, user: Record<string, unknown> = {}, extra: Partial<SandboxRequest> = {}) {
  const result = await pool.run(k, request(user, extra));
  expect(result.error).toBeUndefined();
  return Object.fromEntries(result.calls.map((c) => [c.args[0], c.args[1]])) as { count: number; pid: number };
}

it("keeps module scope between executions of one version, and starts over on a new version", async () => {
  pool = new WarmActionPool();
  const first = await claims(key());
  const second = await claims(key());
  expect([first.count, second.count]).toEqual([1, 2]);
  expect(second.pid).toBe(first.pid);

  const redeployed = await claims(key({ versionId: "ver_2" }));
  expect(redeployed.count).toBe(1);
  expect(redeployed.pid).not.toBe(first.pid);
  // The old version's worker is gone.
  expect(pool.pidOf(key())).toBeUndefined();
});

it("never shares a process between two Actions or two tenants", async () => {
  pool = new WarmActionPool();
  const a = await claims(key());
  const b = await claims(key({ actionId: "act_2" }));
  const c = await claims(key({ tenant: "t2" }));
  expect([a.count, b.count, c.count]).toEqual([1, 1, 1]);
  expect(new Set([a.pid, b.pid, c.pid]).size).toBe(3);
});

it("returns each execution's own logs, and keeps the worker after the handler throws", async () => {
  pool = new WarmActionPool();
  await claims(key());
  const failed = await pool.run(key(), request({ fail: "throw" }));
  expect(failed).toMatchObject({ failure: "error", error: "handler failed", logs: ["run 2"] });
  expect((await claims(key())).count).toBe(3);
});

it.each([
  ["exit", "crash"],
  ["hang", "timeout"],
  ["leak", "error"],
] as const)("after a failure (%s → %s) the next execution gets a fresh worker", async (fail, failure) => {
  pool = new WarmActionPool();
  const before = await claims(key());
  const failed = await pool.run(key(), request({ fail }, { timeoutMs: 1500 }));
  expect(failed.failure).toBe(failure);
  const after = await claims(key());
  expect(after.count).toBe(1);
  expect(after.pid).not.toBe(before.pid);
});

it("ends a worker after maxExecutions, and when its version is no longer deployed", async () => {
  pool = new WarmActionPool({ maxExecutions: 2 });
  const counts = [];
  for (let i = 0; i < 3; i++) counts.push((await claims(key())).count);
  expect(counts).toEqual([1, 2, 1]);

  pool.retainOnly("t1", [{ actionId: "act_1", versionId: "ver_9" }]);
  await waitFor(() => pool.pidOf(key()) === undefined);
  expect((await claims(key())).count).toBe(1);
});

it("ends a worker that sat idle for idleMs", async () => {
  pool = new WarmActionPool({ idleMs: 50 });
  await claims(key());
  await waitFor(() => pool.pidOf(key()) === undefined);
  expect((await claims(key())).count).toBe(1);
});

it("runs the executions of one version one at a time, in order", async () => {
  pool = new WarmActionPool();
  const results = await Promise.all([1, 2, 3, 4].map(() => claims(key())));
  expect(results.map((r) => r.count)).toEqual([1, 2, 3, 4]);
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(condition()).toBe(true);
}
