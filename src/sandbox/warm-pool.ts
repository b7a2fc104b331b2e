/**
 * Warm sandbox processes for deployed Actions, the way Auth0's Node 22 runtime runs them: the module
 * of a deployed Action version is loaded once and its scope is reused across executions, until the
 * instance is recycled. So state an Action keeps at module level carries over from one login to the
 * next (Auth0: "Module-level code ... may be reused across many executions. Don't keep per-request
 * state at module level."), and the local tenant shows it.
 *
 * One process per (tenant, Action id, version id), never shared by two Actions or two tenants: the
 * isolation stays the process boundary of sandbox.ts, with the same flags and limits. Executions of
 * one version run one at a time, in arrival order; waiting counts against the execution's time limit.
 * A worker is recycled (killed; the next execution starts a fresh one):
 *   - when another version of the Action runs or the version is no longer deployed (retainOnly);
 *   - after `idleMs` without an execution, or after `maxExecutions` executions;
 *   - after an execution that crashed, ran out of time or memory, wrote too much, or failed outside
 *     its handler's promise (an uncaught exception or unhandled rejection), or whose module did not load.
 */
import { sandboxArgs } from "./spawn-sandboxed";
import {
  OUTPUT_LIMITS,
  failedResult,
  prepareExecution,
  SANDBOX_PROGRAM,
  sandboxResult,
  timeLimitMessage,
  type SandboxRequest,
  type SandboxResult,
} from "./sandbox";
import { WarmWorker } from "./warm-worker";

/** Which deployed code a worker runs. */
export interface WarmKey {
  tenant: string;
  actionId: string;
  versionId: string;
}

export interface WarmPoolOptions {
  /** A worker with no execution for this long is ended. Auth0 publishes no figure. @default 600_000 (10 min) */
  readonly idleMs?: number;
  /** A worker is replaced after this many executions. Auth0 publishes no figure. @default 1000 */
  readonly maxExecutions?: number;
  /** Workers kept at most; the one idle longest is ended first. @default 32 */
  readonly maxWorkers?: number;
}

interface Entry {
  key: WarmKey;
  worker?: WarmWorker;
  /** The worker's command line: a new one is started when it changes (other dependencies). */
  args?: string;
  /** The tail of this version's execution queue. */
  queue: Promise<unknown>;
  idleTimer?: NodeJS.Timeout;
  lastUsed: number;
}

export class WarmActionPool {
  private readonly entries = new Map<string, Entry>();
  private readonly idleMs: number;
  private readonly maxExecutions: number;
  private readonly maxWorkers: number;
  private closed = false;

  constructor(options: WarmPoolOptions = {}) {
    this.idleMs = options.idleMs ?? 600_000;
    this.maxExecutions = options.maxExecutions ?? 1000;
    this.maxWorkers = options.maxWorkers ?? 32;
  }

  /** Runs one execution of the deployed version `key` in its warm worker. Never throws. */
  run(key: WarmKey, request: SandboxRequest): Promise<SandboxResult> {
    const entry = this.entryFor(key);
    const queuedAt = Date.now();
    const result = entry.queue.then(() => this.execute(entry, request, Date.now() - queuedAt));
    entry.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Ends the workers of `tenant` whose (Action id, version id) is not in `deployed`: a redeploy or a
   * deleted Action recycles its worker at once, not at the next login. Executions already queued finish first.
   */
  retainOnly(tenant: string, deployed: ReadonlyArray<{ actionId: string; versionId: string }>): void {
    const keep = new Set(deployed.map((d) => entryId({ tenant, ...d })));
    for (const [id, entry] of this.entries) if (entry.key.tenant === tenant && !keep.has(id)) this.retire(id, entry);
  }

  /** The process id serving `key`, when one is running: tells tests and tools whether a worker was reused. */
  pidOf(key: WarmKey): number | undefined {
    const worker = this.entries.get(entryId(key))?.worker;
    return worker?.alive ? worker.pid : undefined;
  }

  /** Ends every worker; later runs fail as "unavailable". */
  close(): void {
    this.closed = true;
    for (const [id, entry] of this.entries) this.retire(id, entry);
  }

  private entryFor(key: WarmKey): Entry {
    const id = entryId(key);
    // Another version of the same Action: its worker goes once what it already queued is done.
    for (const [otherId, other] of this.entries) {
      if (otherId !== id && other.key.tenant === key.tenant && other.key.actionId === key.actionId) this.retire(otherId, other);
    }
    let entry = this.entries.get(id);
    if (!entry) {
      entry = { key, queue: Promise.resolve(), lastUsed: Date.now() };
      this.entries.set(id, entry);
      this.evictBeyondLimit(id);
    }
    return entry;
  }

  private async execute(entry: Entry, request: SandboxRequest, waitedMs: number): Promise<SandboxResult> {
    if (this.closed) return failedResult(request, "unavailable", "The local tenant is shutting down.");
    const prepared = prepareExecution(request);
    if (!("input" in prepared)) return prepared;
    const remainingMs = prepared.timeoutMs - waitedMs;
    if (remainingMs <= 0) return { ...failedResult(request, "timeout", timeLimitMessage(prepared.timeoutMs)), runtime: prepared.runtime };
    const args = sandboxArgs(SANDBOX_PROGRAM, Object.values(request.dependencies ?? {}), prepared.memoryMb, ["--warm"]);
    const argsKey = args.join("\0");
    if (!entry.worker?.alive || entry.args !== argsKey) {
      entry.worker?.kill();
      entry.worker = new WarmWorker(prepared.node.path, args, { memoryMb: prepared.memoryMb, ...OUTPUT_LIMITS });
      entry.args = argsKey;
    }
    const worker = entry.worker;
    clearTimeout(entry.idleTimer);
    const end = await worker.run(prepared.input, remainingMs);
    const { result, recycle } = sandboxResult(end, request, prepared);
    entry.lastUsed = Date.now();
    if (recycle || worker.executions >= this.maxExecutions || this.closed) {
      worker.kill();
      entry.worker = undefined;
    } else {
      entry.idleTimer = setTimeout(() => this.retire(entryId(entry.key), entry), this.idleMs);
      entry.idleTimer.unref();
    }
    return result;
  }

  /** Forgets the entry now and ends its worker once its queue is done. */
  private retire(id: string, entry: Entry): void {
    if (this.entries.get(id) === entry) this.entries.delete(id);
    clearTimeout(entry.idleTimer);
    void entry.queue.then(() => {
      clearTimeout(entry.idleTimer);
      entry.worker?.kill();
      entry.worker = undefined;
    });
  }

  private evictBeyondLimit(keepId: string): void {
    while (this.entries.size > this.maxWorkers) {
      const [oldestId, oldest] = [...this.entries].filter(([id]) => id !== keepId).sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0];
      this.retire(oldestId, oldest);
    }
  }
}

function entryId(key: WarmKey): string {
  return [key.tenant, key.actionId, key.versionId].join("\0");
}
