/**
 * One sandboxed Node 22 process, whatever program it runs (the Action bootstrap, the parity
 * worker): the permission model on with read access to the program and the given paths only (no
 * writes, child processes, workers, addons or WASI), an empty environment, `/` as working directory,
 * a heap cap, a resident-memory watchdog and a wall-clock limit, all enforced from here with SIGKILL.
 *
 * The protocol is the same for every program: the request is written to stdin, console output comes
 * on stdout (kept as log lines, cut at a limit), the result is the first line on fd 3, and the
 * process is killed once that line has arrived. What the line means is the caller's business.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";

/** Resident memory above the heap cap (Node itself, buffers, code) before the process is killed. */
export const RSS_HEADROOM_MB = 192;
export const WATCHDOG_INTERVAL_MS = 50;

export interface SandboxLimits {
  /** Wall-clock limit from the start of supervision; the process is killed when it passes. */
  timeoutMs: number;
  /** V8 heap, MB (--max-old-space-size); the watchdog allows RSS_HEADROOM_MB more resident memory. */
  memoryMb: number;
  /** Console output kept; more is dropped and the logs end with a truncation note. */
  logLimitBytes: number;
  /** The result line may not exceed this. */
  resultLimitBytes: number;
}

/** How a sandboxed process ended. */
export interface SandboxedEnd {
  /** The first line on fd 3 (without the newline), when one arrived before the process ended or was killed. */
  resultLine?: string;
  /** Console output, one entry per line (a truncation note last when it was cut). */
  logs: string[];
  /** The last 4 KB of stderr: only to explain a crash (V8's out-of-memory report). */
  stderrTail: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Set when this side killed the process before a result arrived. */
  killed?: "timeout" | "memory" | "output";
  /** The process could not be started. */
  spawnError?: Error;
}

/** The command-line flags of a sandboxed process running `program` (with `programArgs` after it). */
export function sandboxArgs(
  program: string,
  readPaths: readonly string[],
  memoryMb: number,
  programArgs: readonly string[] = [],
): string[] {
  return [
    "--permission",
    `--allow-fs-read=${program}`,
    ...readPaths.map((path) => `--allow-fs-read=${path}`),
    `--max-old-space-size=${memoryMb}`,
    "--disable-warning=ExperimentalWarning",
    program,
    ...programArgs,
  ];
}

/** A sandboxed process, waiting for its request on stdin. */
export function startSandboxProcess(nodePath: string, args: readonly string[]): ChildProcess {
  // An empty environment: nothing of the host's (credentials, tokens, paths) reaches the code.
  const child = spawn(nodePath, args, { env: {}, cwd: "/", stdio: ["pipe", "pipe", "pipe", "pipe"] });
  child.on("error", () => undefined); // reported by superviseSandboxed's own listener, or a spare is dropped
  return child;
}

/** Sends `input` to a started process and watches it until it ends or is killed. Never throws. */
export function superviseSandboxed(child: ChildProcess, input: string, limits: SandboxLimits): Promise<SandboxedEnd> {
  return new Promise<SandboxedEnd>((resolvePromise) => {
    const logChunks: Buffer[] = [];
    let logBytes = 0;
    let logsTruncated = false;
    let stderrTail = "";
    let resultText = "";
    let resultLine: string | undefined;
    let killed: SandboxedEnd["killed"];
    let settled = false;

    const stop = (why: NonNullable<SandboxedEnd["killed"]>) => {
      if (resultLine === undefined) killed ??= why;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(() => stop("timeout"), Math.max(0, limits.timeoutMs));
    const watchdog = setInterval(() => {
      const rss = residentMb(child.pid);
      if (rss !== undefined && rss > limits.memoryMb + RSS_HEADROOM_MB) stop("memory");
    }, WATCHDOG_INTERVAL_MS);

    child.stdout!.on("data", (chunk: Buffer) => {
      if (logBytes >= limits.logLimitBytes) {
        logsTruncated = true;
        return;
      }
      const room = limits.logLimitBytes - logBytes;
      if (chunk.length > room) logsTruncated = true;
      const kept = chunk.subarray(0, room);
      logChunks.push(kept);
      logBytes += kept.length;
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString("utf8")).slice(-4096);
    });
    const resultStream = child.stdio[3] as NodeJS.ReadableStream;
    resultStream.on("data", (chunk: Buffer) => {
      if (resultLine !== undefined || killed) return;
      resultText += chunk.toString("utf8");
      if (resultText.length > limits.resultLimitBytes) return stop("output");
      const newline = resultText.indexOf("\n");
      if (newline < 0) return;
      resultLine = resultText.slice(0, newline);
      // Done: whatever the code left running (timers, sockets, a replaced process.exit) ends here.
      child.kill("SIGKILL");
    });
    // The child may die before reading its request: that is reported through "close", not as an error.
    child.stdin!.on("error", () => undefined);
    child.stdin!.end(input);

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(watchdog);
      const logs = splitLines(Buffer.concat(logChunks).toString("utf8"));
      if (logsTruncated) logs.push(`[output truncated at ${limits.logLimitBytes / 1024} KB]`);
      const end: SandboxedEnd = { logs, stderrTail, exitCode, signal };
      if (resultLine !== undefined && !killed) end.resultLine = resultLine;
      if (killed) end.killed = killed;
      if (spawnError) end.spawnError = spawnError;
      resolvePromise(end);
    };
    child.on("error", (error) => finish(null, null, error));
    child.on("close", (code, signal) => finish(code, signal));
  });
}

/** Starts `program` sandboxed on `nodePath`, sends `input` and supervises it. Never throws. */
export function spawnSandboxed(
  nodePath: string,
  program: string,
  readPaths: readonly string[],
  input: string,
  limits: SandboxLimits,
): Promise<SandboxedEnd> {
  return superviseSandboxed(startSandboxProcess(nodePath, sandboxArgs(program, readPaths, limits.memoryMb)), input, limits);
}

export function residentMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]);
    return (pages * 4096) / (1024 * 1024);
  } catch {
    return undefined;
  }
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}
