/**
 * Runs one Action execution in its own process, the way Auth0 isolates Action code: Node 22,
 * the permission model on, an empty environment, a heap cap and the 20 s limit. Trigger-agnostic:
 * it takes the code, the trigger's event and secrets, the export to call and the directories of the
 * installed dependencies, and answers with the `api` calls the code made, in order, plus its console
 * output, or why it failed. What the calls mean for a login (claims, deny, metadata) is the caller's
 * business (see replay.ts).
 *
 * Whatever the code does fails this execution only: the process is killed at the time limit, on a
 * memory blow-up, or once its result has arrived; an unhandled rejection, process.exit or a crash
 * ends the process, never the caller.
 */
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { apiMethodsOf } from "../triggers";
import { sandboxNode, type NodeRuntime } from "./node-runtime";
import { sandboxArgs, startSandboxProcess, superviseSandboxed, type SandboxedEnd } from "./spawn-sandboxed";

/** Auth0's limit for one trigger run. */
export const ACTION_TIME_LIMIT_MS = 20_000;
/** V8 heap of one execution, MB (--max-old-space-size). Auth0 does not publish its figure. */
export const DEFAULT_MEMORY_MB = 128;
/** Console output kept per execution; the rest is cut, as Auth0 truncates execution logs. */
export const LOG_LIMIT_BYTES = 256 * 1024;
/** The result line (all api calls) may not exceed this. */
const RESULT_LIMIT_BYTES = 8 * 1024 * 1024;

const BOOTSTRAP = join(__dirname, "child", "bootstrap.cjs");

export interface CacheRecord {
  value: string;
  expires_at?: number;
}

export interface SandboxRequest {
  /** The deployed code, a CommonJS module. */
  code: string;
  /** Auth0 trigger id, e.g. "post-login": decides which `api` methods exist. */
  trigger: string;
  /** The export to call, e.g. "onExecutePostLogin". */
  exportName: string;
  /** The trigger's event (JSON); `event.secrets` is replaced by `secrets`. */
  event: unknown;
  secrets?: Readonly<Record<string, string>>;
  /** Package name → its installed directory (see dependencies.ts); the only files the code may read. */
  dependencies?: Readonly<Record<string, string>>;
  /** Action Module name → the code of the version the Action is pinned to: `require("actions:<name>")` loads it. */
  modules?: Readonly<Record<string, string>>;
  /** @default ACTION_TIME_LIMIT_MS */
  timeoutMs?: number;
  /** @default DEFAULT_MEMORY_MB */
  memoryMb?: number;
  /** Contents of api.cache at the start; the result carries it back. */
  cache?: Readonly<Record<string, CacheRecord>>;
  /** Answers api.rules.wasExecuted. */
  executedRules?: readonly string[];
}

export interface ApiCall {
  /** The method's path under `api`, e.g. "idToken.setCustomClaim". */
  path: string;
  /** The arguments as JSON data; a value JSON cannot hold (function, BigInt, undefined) is `undefined`. */
  args: unknown[];
}

export type SandboxFailure = "error" | "timeout" | "memory" | "crash" | "output" | "unavailable";

export interface SandboxResult {
  calls: ApiCall[];
  /** Console output, one entry per line. */
  logs: string[];
  cache: Record<string, CacheRecord>;
  /** Set when the execution failed: the message Auth0 would log. */
  error?: string;
  failure?: SandboxFailure;
  /** Node version the code ran on. */
  runtime?: string;
}

/**
 * Runs the request in a fresh sandbox process. Never throws. With a pool, the process was started
 * ahead of time (it is still used once, for this execution only). For an Action deployed on a
 * tenant, warm-pool.ts runs executions in a process that is kept between them instead.
 */
export async function runInSandbox(request: SandboxRequest, pool?: SandboxPool): Promise<SandboxResult> {
  const prepared = prepareExecution(request);
  if (!("input" in prepared)) return prepared;
  const { node, timeoutMs, memoryMb, runtime } = prepared;
  const args = sandboxArgs(BOOTSTRAP, Object.values(request.dependencies ?? {}), memoryMb);

  // With a pool, at most its maxRunning processes run at once; waiting for one counts against the time limit.
  const queuedAt = Date.now();
  const release = pool ? await pool.acquire(timeoutMs) : () => undefined;
  if (!release) return { ...failedResult(request, "timeout", timeLimitMessage(timeoutMs)), runtime };
  const remainingMs = timeoutMs - (Date.now() - queuedAt);

  const child = pool ? pool.take(node.path, args) : startSandboxProcess(node.path, args);
  let end: SandboxedEnd;
  try {
    end = await superviseSandboxed(child, prepared.input, {
      timeoutMs: remainingMs,
      memoryMb,
      logLimitBytes: LOG_LIMIT_BYTES,
      resultLimitBytes: RESULT_LIMIT_BYTES,
    });
  } finally {
    release();
    pool?.replenish(node.path, args);
  }
  return sandboxResult(end, request, prepared).result;
}

/** The program of a sandbox process (child/bootstrap.cjs). */
export const SANDBOX_PROGRAM = BOOTSTRAP;
/** What a sandbox process may print and answer per execution. */
export const OUTPUT_LIMITS = { logLimitBytes: LOG_LIMIT_BYTES, resultLimitBytes: RESULT_LIMIT_BYTES } as const;

/** A request checked and ready for a sandbox process: the Node to run it on, its limits and its stdin line. */
export interface PreparedExecution {
  node: NodeRuntime;
  runtime: string;
  timeoutMs: number;
  memoryMb: number;
  /** The request as the bootstrap reads it (one JSON line, no newline in it). */
  input: string;
}

/** Checks the trigger and finds Node 22; a failed result when the execution cannot run at all. */
export function prepareExecution(request: SandboxRequest): PreparedExecution | SandboxResult {
  const apiMethods = apiMethodsOf(request.trigger);
  if (!apiMethods) return failedResult(request, "unavailable", `The sandbox does not know the trigger "${request.trigger}".`);
  let node: NodeRuntime;
  try {
    node = sandboxNode();
  } catch (error) {
    return failedResult(request, "unavailable", (error as Error).message);
  }
  const input = JSON.stringify({
    code: request.code,
    exportName: request.exportName,
    event: request.event,
    secrets: request.secrets ?? {},
    dependencies: request.dependencies ?? {},
    modules: request.modules ?? {},
    apiMethods,
    cache: request.cache ?? {},
    executedRules: request.executedRules ?? [],
  });
  return {
    node,
    runtime: node.version,
    timeoutMs: request.timeoutMs ?? ACTION_TIME_LIMIT_MS,
    memoryMb: request.memoryMb ?? DEFAULT_MEMORY_MB,
    input,
  };
}

/** A result without calls: the cache comes back as it went in. */
export function failedResult(request: SandboxRequest, failure: SandboxFailure, error: string, logs: string[] = []): SandboxResult {
  return { calls: [], logs, cache: { ...request.cache }, failure, error };
}

/**
 * What an execution's end means for its result. `recycle` says the process must not serve another
 * execution: it failed in a way that leaves its state unknown (it crashed, was killed, or the code
 * failed outside its handler's own promise).
 */
export function sandboxResult(
  end: SandboxedEnd,
  request: SandboxRequest,
  prepared: Pick<PreparedExecution, "runtime" | "timeoutMs" | "memoryMb">,
): { result: SandboxResult; recycle: boolean } {
  const { logs } = end;
  const { runtime, timeoutMs, memoryMb } = prepared;
  const failed = (failure: SandboxFailure, error: string) => ({
    result: { ...failedResult(request, failure, error, logs), runtime },
    recycle: true,
  });
  if (end.spawnError) return failed("unavailable", `The Action sandbox could not start: ${end.spawnError.message}`);
  if (end.killed === "timeout") return failed("timeout", timeLimitMessage(timeoutMs));
  if (end.killed === "memory") return failed("memory", memoryMessage(memoryMb));
  if (end.killed === "output") return failed("output", `The Action's api calls exceed ${RESULT_LIMIT_BYTES / 1024 / 1024} MB.`);
  if (end.resultLine === undefined) {
    const verdict = crashVerdict(end.exitCode, end.signal, end.stderrTail, memoryMb);
    return failed(verdict.failure, verdict.error);
  }
  const parsed = parseResult(end.resultLine);
  if (!parsed) return failed("crash", "The Action's sandbox answered with something that is not a result.");
  const result: SandboxResult = { calls: parsed.calls, logs, cache: parsed.cache, runtime };
  if (parsed.error !== undefined) Object.assign(result, { error: parsed.error, failure: "error" as const });
  return { result, recycle: parsed.recycle };
}

/**
 * Keeps one process started ahead per set of flags (the dependency directories differ), so a login
 * does not wait for Node to start. Each process still serves exactly one execution: a fresh spare is
 * started once an execution ends. Spares do not keep the host alive, and a spare whose host dies
 * reads end-of-file on stdin and exits.
 */
export interface SandboxPoolOptions {
  /** Processes kept waiting at most (the least recently used flag set goes first). @default 4 */
  readonly maxSpares?: number;
  /** Executions running at once; more wait for a slot (a flood of logins cannot fork without bound). @default 16 */
  readonly maxRunning?: number;
}

export class SandboxPool {
  private readonly spares = new Map<string, ChildProcess>();
  private readonly waiting: Array<() => void> = [];
  private running = 0;
  private closed = false;
  private readonly maxSpares: number;
  private readonly maxRunning: number;

  constructor(options: SandboxPoolOptions = {}) {
    this.maxSpares = options.maxSpares ?? 4;
    this.maxRunning = options.maxRunning ?? 16;
  }

  /** A running slot, or undefined when none frees up within `timeoutMs`. Call the answer to give it back. */
  acquire(timeoutMs: number): Promise<(() => void) | undefined> {
    const grant = (): (() => void) => {
      this.running++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        this.running--;
        this.waiting.shift()?.();
      };
    };
    if (this.running < this.maxRunning) return Promise.resolve(grant());
    return new Promise((resolvePromise) => {
      const wake = () => {
        clearTimeout(timer);
        resolvePromise(grant());
      };
      const timer = setTimeout(() => {
        const index = this.waiting.indexOf(wake);
        if (index >= 0) this.waiting.splice(index, 1);
        resolvePromise(undefined);
      }, timeoutMs);
      this.waiting.push(wake);
    });
  }

  take(path: string, args: string[]): ChildProcess {
    const key = args.join("\0");
    const spare = this.spares.get(key);
    this.spares.delete(key);
    if (spare && spare.exitCode === null && spare.signalCode === null) {
      setRef(spare, true);
      return spare;
    }
    spare?.kill("SIGKILL");
    return startSandboxProcess(path, args);
  }

  replenish(path: string, args: string[]): void {
    const key = args.join("\0");
    if (this.closed || this.spares.has(key)) return;
    if (this.spares.size >= this.maxSpares) {
      const [oldest] = this.spares.keys();
      this.spares.get(oldest)?.kill("SIGKILL");
      this.spares.delete(oldest);
    }
    const child = startSandboxProcess(path, args);
    setRef(child, false);
    this.spares.set(key, child);
  }

  close(): void {
    this.closed = true;
    for (const child of this.spares.values()) child.kill("SIGKILL");
    this.spares.clear();
  }
}

/** Whether `child` (and its pipes) keeps the host's event loop alive. */
export function setRef(child: ChildProcess, ref: boolean): void {
  if (ref) child.ref();
  else child.unref();
  for (const stream of child.stdio) {
    const handle = stream as unknown as { ref?: () => void; unref?: () => void } | null;
    if (ref) handle?.ref?.();
    else handle?.unref?.();
  }
}

export function timeLimitMessage(timeoutMs: number): string {
  return `Script execution did not complete within ${timeoutMs / 1000} seconds`;
}

function memoryMessage(memoryMb: number): string {
  return `The Action ran out of memory (limit ${memoryMb} MB)`;
}

/** Why a process ended without a result. */
function crashVerdict(
  code: number | null,
  signal: NodeJS.Signals | null,
  stderr: string,
  memoryMb: number,
): { failure: SandboxFailure; error: string } {
  // V8 reports a heap blow-up on stderr before it aborts; a plain SIGABRT is process.abort().
  if (/heap out of memory|Allocation failed/i.test(stderr)) return { failure: "memory", error: memoryMessage(memoryMb) };
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  return { failure: "crash", error: `The Action's process ${how} before the Action completed (process.exit or a crash)` };
}

/** Only the fields the bootstrap writes, with their types checked: the line may come from the code itself. */
function parseResult(line: string): { calls: ApiCall[]; cache: Record<string, CacheRecord>; error?: string; recycle: boolean } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line, (_key, v: unknown) => (isMarker(v) ? undefined : v));
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { type, calls, cache, error, recycle } = value as Record<string, unknown>;
  if (type !== "result" || !Array.isArray(calls)) return undefined;
  const parsed: ApiCall[] = [];
  for (const call of calls as unknown[]) {
    if (typeof call !== "object" || call === null) return undefined;
    const { path, args } = call as Record<string, unknown>;
    if (typeof path !== "string" || !Array.isArray(args)) return undefined;
    // A marker at the top level of args was revived to undefined (a hole): Array.from keeps the position.
    parsed.push({ path, args: Array.from(args as unknown[]) });
  }
  const out: { calls: ApiCall[]; cache: Record<string, CacheRecord>; error?: string; recycle: boolean } = {
    calls: parsed,
    cache: typeof cache === "object" && cache !== null ? (cache as Record<string, CacheRecord>) : {},
    recycle: recycle === true,
  };
  if (error !== undefined) out.error = typeof error === "string" ? error : JSON.stringify(error);
  return out;
}

function isMarker(value: unknown): boolean {
  return typeof value === "object" && value !== null && "$sandbox" in value;
}
