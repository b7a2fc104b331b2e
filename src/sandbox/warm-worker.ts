/**
 * One warm sandbox process: the bootstrap in `--warm` mode, started with the same flags, empty
 * environment and limits as a fresh one (spawn-sandboxed.ts), serving one execution after another.
 * The process keeps the Action's module scope between executions, as Auth0's Node 22 runtime does.
 *
 * Protocol (child/bootstrap.cjs): one JSON request per line on stdin; on fd 3, console output as
 * {type: "log", text} lines, then the execution's result line. Both come on the one stream so the
 * logs of an execution are complete, and in order, when its result arrives. What the code writes on
 * stdout directly goes to the execution running at that moment.
 *
 * Each execution has its own wall-clock limit; the resident-memory watchdog runs for the whole life of
 * the process. A limit that is hit kills the process (SIGKILL): the execution fails as a fresh one
 * would, and the worker is dead. Whoever owns the worker starts another for the next execution.
 */
import type { ChildProcess } from "node:child_process";
import { StringDecoder } from "node:string_decoder";
import { setRef } from "./sandbox";
import { RSS_HEADROOM_MB, residentMb, startSandboxProcess, WATCHDOG_INTERVAL_MS, type SandboxedEnd } from "./spawn-sandboxed";

export interface WarmWorkerLimits {
  /** V8 heap, MB; the watchdog allows RSS_HEADROOM_MB more resident memory. */
  memoryMb: number;
  /** Console output kept per execution. */
  logLimitBytes: number;
  /** One line on fd 3 (a log line or the result) may not exceed this. */
  resultLimitBytes: number;
}

interface Running {
  resolve: (end: SandboxedEnd) => void;
  logs: string[];
  logBytes: number;
  logsTruncated: boolean;
  killed?: SandboxedEnd["killed"];
  timer: NodeJS.Timeout;
}

export class WarmWorker {
  /** Executions answered so far. */
  executions = 0;
  private readonly child: ChildProcess;
  private readonly watchdog: NodeJS.Timeout;
  private readonly decoder = new StringDecoder("utf8");
  private pendingLine = "";
  private stderrTail = "";
  private running?: Running;
  private exited = false;
  private spawnError?: Error;

  constructor(
    nodePath: string,
    args: readonly string[],
    private readonly limits: WarmWorkerLimits,
  ) {
    this.child = startSandboxProcess(nodePath, args);
    // An idle worker must not keep the host alive; a running execution does (see run).
    setRef(this.child, false);
    this.watchdog = setInterval(() => {
      const rss = residentMb(this.child.pid);
      if (rss !== undefined && rss > limits.memoryMb + RSS_HEADROOM_MB) this.stop("memory");
    }, WATCHDOG_INTERVAL_MS);
    this.watchdog.unref();
    this.child.stdout!.on("data", (chunk: Buffer) => {
      if (this.running) this.addLog(this.running, chunk.toString("utf8"));
    });
    this.child.stderr!.on("data", (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-4096);
    });
    (this.child.stdio[3] as NodeJS.ReadableStream).on("data", (chunk: Buffer) => this.onFd3(chunk));
    this.child.stdin!.on("error", () => undefined); // a dead child is reported through "close"
    this.child.on("error", (error) => {
      this.spawnError = error;
      this.onClose(null, null);
    });
    this.child.on("close", (code, signal) => this.onClose(code, signal));
  }

  /** False once the process has ended or was killed: it serves nothing more. */
  get alive(): boolean {
    return !this.exited && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Runs one execution (`input`: the request line, see sandbox.ts prepareExecution). Never throws.
   * One at a time: the owner waits for the answer before sending the next.
   */
  run(input: string, timeoutMs: number): Promise<SandboxedEnd> {
    if (this.running) throw new Error("A warm sandbox process serves one execution at a time.");
    return new Promise<SandboxedEnd>((resolve) => {
      if (!this.alive) return resolve(this.deadEnd([]));
      const timer = setTimeout(() => this.stop("timeout"), Math.max(0, timeoutMs));
      this.running = { resolve, logs: [], logBytes: 0, logsTruncated: false, timer };
      setRef(this.child, true);
      this.child.stdin!.write(`${input}\n`);
    });
  }

  /** Ends the process; an execution still running fails as a crash. */
  kill(): void {
    this.child.kill("SIGKILL");
  }

  private stop(why: NonNullable<SandboxedEnd["killed"]>): void {
    if (this.running) this.running.killed ??= why;
    this.child.kill("SIGKILL");
  }

  private onFd3(chunk: Buffer): void {
    this.pendingLine += this.decoder.write(chunk);
    let newline: number;
    while ((newline = this.pendingLine.indexOf("\n")) >= 0) {
      const line = this.pendingLine.slice(0, newline);
      this.pendingLine = this.pendingLine.slice(newline + 1);
      this.onLine(line);
    }
    if (this.pendingLine.length > this.limits.resultLimitBytes) this.stop("output");
  }

  private onLine(line: string): void {
    const running = this.running;
    if (!running || running.killed) return; // a leftover of the code between executions: nobody asked
    const log = logText(line);
    if (log !== undefined) return this.addLog(running, `${log}\n`);
    this.settle(running, { resultLine: line, logs: logLines(running, this.limits), stderrTail: "", exitCode: null, signal: null });
    this.executions++;
  }

  private addLog(running: Running, text: string): void {
    const bytes = Buffer.byteLength(text);
    if (running.logBytes + bytes > this.limits.logLimitBytes) {
      running.logsTruncated = true;
      return;
    }
    running.logBytes += bytes;
    running.logs.push(text);
  }

  private onClose(exitCode: number | null, signal: NodeJS.Signals | null): void {
    if (this.exited) return;
    this.exited = true;
    clearInterval(this.watchdog);
    const running = this.running;
    if (!running) return;
    const end: SandboxedEnd = { logs: logLines(running, this.limits), stderrTail: this.stderrTail, exitCode, signal };
    if (running.killed) end.killed = running.killed;
    if (this.spawnError) end.spawnError = this.spawnError;
    this.settle(running, end);
  }

  private settle(running: Running, end: SandboxedEnd): void {
    clearTimeout(running.timer);
    this.running = undefined;
    if (this.alive) setRef(this.child, false);
    running.resolve(end);
  }

  private deadEnd(logs: string[]): SandboxedEnd {
    const end: SandboxedEnd = { logs, stderrTail: this.stderrTail, exitCode: this.child.exitCode, signal: this.child.signalCode };
    if (this.spawnError) end.spawnError = this.spawnError;
    return end;
  }
}

/** The text of a {type: "log"} line, or undefined when the line is something else (the result). */
function logText(line: string): string | undefined {
  if (!line.startsWith('{"type":"log"')) return undefined;
  try {
    const value = JSON.parse(line) as { type?: unknown; text?: unknown };
    return value.type === "log" && typeof value.text === "string" ? value.text : undefined;
  } catch {
    return undefined;
  }
}

/** An execution's console output as lines, with the truncation note fresh processes add. */
function logLines(running: Running, limits: WarmWorkerLimits): string[] {
  const text = running.logs.join("");
  const lines = text === "" ? [] : text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  if (running.logsTruncated) lines.push(`[output truncated at ${limits.logLimitBytes / 1024} KB]`);
  return lines;
}
