/**
 * Runs one side of a file's parity fixtures (the Rule, the Hook, or the converted Action) in its own
 * sandboxed Node 22 process (src/sandbox/spawn-sandboxed.ts: permission model, empty environment,
 * heap cap, wall-clock SIGKILL) and returns what it did as validated data, or why there is nothing
 * to compare. Each side runs in a process of its own, so one cannot see or change the other's
 * outcome; the comparison happens here, in the parent, on data only.
 */
import { randomBytes } from "node:crypto";
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { REPO_ROOT } from "../../paths";
import { sandboxNode } from "../../sandbox/node-runtime";
import { spawnSandboxed } from "../../sandbox/spawn-sandboxed";
import type { ParityJob } from "./jobs";
import { parityWorkerFile } from "./worker-bundle";

/** Time a process gets beyond the side's own limit to start Node, load the worker and answer. */
export const STARTUP_ALLOWANCE_MS = 5_000;
/** V8 heap of one side, MB: Rules may load packages such as lodash or request's doubles. */
const PARITY_MEMORY_MB = 256;
const LOG_LIMIT_BYTES = 64 * 1024;
const RESULT_LIMIT_BYTES = 8 * 1024 * 1024;

/** One answer per job, in order, or why none of them can be used. */
export type Isolated<T> = { answers: Array<{ value: T; stray: string[] }> } | { couldNotCompare: string };

/**
 * `who` names the side in messages ("the Rule"); `timeoutMs` is the side's own limit per job, which
 * its runtime enforces inside the process; the process is killed when every job has used its
 * limit, plus STARTUP_ALLOWANCE_MS. One process serves all jobs (one per fixture) of a side: a
 * process start is most of a fixture's cost. Whatever spoils the process spoils all its answers.
 */
export async function runIsolated<T>(
  jobs: readonly ParityJob[],
  schema: z.ZodType<T>,
  who: string,
  timeoutMs: number,
): Promise<Isolated<T>> {
  let nodePath: string;
  let worker: string;
  try {
    nodePath = sandboxNode().path;
    worker = await parityWorkerFile();
  } catch (error) {
    return { couldNotCompare: `${who} could not be run in a sandbox: ${(error as Error).message}` };
  }
  const nonce = randomBytes(24).toString("base64url");
  const limitMs = jobs.length * timeoutMs + STARTUP_ALLOWANCE_MS;
  const input = JSON.stringify({ nonce, jobs: jobs.map((job) => ({ ...job, timeoutMs })) });
  const end = await spawnSandboxed(nodePath, worker, dependencyPaths(), input, {
    timeoutMs: limitMs,
    memoryMb: PARITY_MEMORY_MB,
    logLimitBytes: LOG_LIMIT_BYTES,
    resultLimitBytes: RESULT_LIMIT_BYTES,
  });
  const fail = (reason: string): Isolated<T> => ({ couldNotCompare: `${who}: ${reason}` });
  if (end.spawnError) return fail(`its sandbox process could not start: ${end.spawnError.message}`);
  if (end.killed === "timeout") return fail(`its process was still running after ${limitMs / 1000} seconds and was killed`);
  if (end.killed === "memory" || /heap out of memory|Allocation failed/i.test(end.stderrTail))
    return fail(`its process ran out of memory (limit ${PARITY_MEMORY_MB} MB)`);
  if (end.killed === "output") return fail(`its process answered with more than ${RESULT_LIMIT_BYTES / 1024 / 1024} MB`);
  if (end.resultLine === undefined) {
    const how = end.signal ? `was killed by ${end.signal}` : `exited with code ${end.exitCode}`;
    return fail(`its process ${how} without a result (process.exit or a crash)`);
  }
  return readAnswers(end.resultLine, nonce, jobs.length, schema, fail);
}

function readAnswers<T>(
  line: string,
  nonce: string,
  count: number,
  schema: z.ZodType<T>,
  fail: (reason: string) => Isolated<T>,
): Isolated<T> {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return fail("its process answered with something that is not JSON");
  }
  if (typeof message !== "object" || message === null || (message as { nonce?: unknown }).nonce !== nonce)
    return fail("its process answered with a result the parity worker did not write");
  const { tampered, answers } = message as { tampered?: unknown; answers?: unknown };
  if (tampered !== undefined)
    return fail(`the code changed built-ins shared with the runtime (${typeof tampered === "string" ? tampered : "not described"})`);
  if (typeof answers === "object" && answers !== null && "harnessError" in answers)
    return fail(`the parity harness failed: ${String(answers.harnessError)}`);
  const parsed = z
    .array(z.object({ value: schema, stray: z.array(z.string()) }).strict())
    .length(count)
    .safeParse(answers);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(`its process answered with a malformed result (${issue.path.join(".") || "(top)"}: ${issue.message})`);
  }
  // zod's inferred object type marks `value` optional for a generic T; the schema required it.
  return { answers: parsed.data as Array<{ value: T; stray: string[] }> };
}

/** The project's node_modules (Rules and Hooks require packages from it), as linked and as stored. */
function dependencyPaths(): string[] {
  const modules = join(REPO_ROOT, "node_modules");
  let real: string;
  try {
    real = realpathSync(modules);
  } catch {
    return [modules];
  }
  return real === modules ? [modules] : [modules, real];
}
