/**
 * The program of one parity sandbox process (bundled by worker-bundle.ts, started by run-isolated.ts):
 * runs ONE side (the Rule, the Hook, or the converted Action) of a file's fixtures, one after the
 * other, with the project's own runtimes (rule-sandbox.ts, hooks-runtime.ts, the Actions runtime;
 * a fresh vm context per fixture, as before) and answers with what that side did, as data. The
 * parent compares; nothing here sees the other side.
 *
 *   stdin  ← one JSON request {nonce, jobs}
 *   fd 3   → one JSON line {nonce, answers: [{value, stray}]} or {nonce, tampered}
 *   stdout → whatever the code wrote past its console double (kept by the parent, never trusted)
 *
 * The code under test shares this process. It cannot reach the parent, but it can try to forge
 * this process's answer: the answer must carry the nonce, which only this module's closure holds
 * (stdin has been read to its end before any tenant code loads), and it is written with functions
 * captured before tenant code ran, after checking that no shared prototype was changed.
 */
import { readFileSync, writeSync } from "node:fs";
import { httpDoubles, type HttpLog } from "../http-doubles";
import { runRule } from "../rule-sandbox";
import { loadActionModule, runPostLogin } from "../../actions-runtime/run-post-login";
import { runHook } from "../hook/hooks-runtime";
import { runTriggerAction } from "../hook/run-action";
import { HOOK_KINDS } from "../../migrate/hook/hook-types";
import { snapshotIntrinsics } from "./intrinsics";
import type { ParityJob } from "./jobs";

const RESULT_FD = 3;
// Captured before tenant code runs: the code can replace fs.writeSync or process.exit in this
// process. Buffer is covered by the intrinsics check, which runs before the answer is written.
const write = writeSync;
const stringify = JSON.stringify;
const exit = process.exit.bind(process);
const intrinsics = snapshotIntrinsics();

const { nonce, jobs } = JSON.parse(readFileSync(0, "utf8")) as { nonce: string; jobs: ParityJob[] };
let stray: string[] = [];
let finished = false;

function writeAll(text: string): void {
  let buffer = Buffer.from(text, "utf8");
  while (buffer.length > 0) {
    try {
      const written = write(RESULT_FD, buffer);
      buffer = buffer.subarray(written);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
    }
  }
}

function finish(answers: unknown): void {
  if (finished) return;
  finished = true;
  const changed = intrinsics.changes();
  writeAll(`${changed.length > 0 ? tamperedMessage(changed) : stringify({ nonce, answers })}\n`);
  exit(0);
}

/**
 * Built from strings only: a patched prototype (a toJSON on Object.prototype) could otherwise
 * rewrite the very message that reports it. JSON.stringify of a string consults no prototype.
 */
function tamperedMessage(changed: string[]): string {
  let list = "";
  for (let i = 0; i < changed.length && i < 5; i++) list += `${i > 0 ? "; " : ""}${changed[i]}`;
  return `{"nonce":${stringify(nonce)},"tampered":${stringify(list)}}`;
}

const describe = (error: unknown): string =>
  typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error);
// What escapes the runtimes' own catching (a throw in an unguarded timer, a stray rejection) is
// reported with the result: the parent treats it as an error of this fixture.
process.on("uncaughtException", (error) => stray.push(`uncaught outside the runtime: ${describe(error)}`));
process.on("unhandledRejection", (error) => stray.push(`uncaught outside the runtime: ${describe(error)}`));
// The runtimes' timers end a run that never calls back; this keeps the process alive until then
// (the parent kills it in any case once the result is in, or at its wall-clock limit).
setInterval(() => undefined, 1 << 30);

async function runAll(): Promise<Array<{ value: unknown; stray: string[] }>> {
  const answers: Array<{ value: unknown; stray: string[] }> = [];
  for (const job of jobs) {
    stray = [];
    const value = await run(job);
    // Callbacks the fixture left pending get one turn to report before its answer is taken.
    await new Promise((resolve) => setImmediate(resolve));
    answers.push({ value, stray });
  }
  return answers;
}

async function run(job: ParityJob): Promise<unknown> {
  const http: HttpLog = { calls: [] };
  switch (job.side) {
    case "rule": {
      const run = await runRule(job.source, job.file, job.login, {
        modules: (report) => httpDoubles(job.login.http, http, report),
        timeoutMs: job.timeoutMs,
      });
      return { run, http: http.calls };
    }
    case "post-login-action": {
      const outcome = await runPostLogin(job.code, job.event as Parameters<typeof runPostLogin>[1], {
        entryPoint: job.entryPoint,
        dependencyRoot: job.dependencyRoot,
        modules: httpDoubles(job.http, http),
        timeoutMs: job.timeoutMs,
      });
      let exportsContinue = false;
      if (job.entryPoint === "onContinuePostLogin" && outcome.error === undefined) {
        try {
          const exported = loadActionModule(job.code, {
            dependencyRoot: job.dependencyRoot,
            modules: httpDoubles(job.http, { calls: [] }),
          });
          exportsContinue = typeof exported.onContinuePostLogin === "function";
        } catch {
          exportsContinue = false;
        }
      }
      return { outcome, http: http.calls, exportsContinue };
    }
    case "hook": {
      const run = await runHook(job.source, job.file, HOOK_KINDS[job.hookType], job.args, job.secrets, job.context, {
        modules: httpDoubles(job.http, http),
        timeoutMs: job.timeoutMs,
      });
      return { run, http: http.calls };
    }
    case "hook-action": {
      const record = await runTriggerAction(job.code, HOOK_KINDS[job.hookType], job.event, {
        dependencyRoot: job.dependencyRoot,
        modules: httpDoubles(job.http, http),
        timeoutMs: job.timeoutMs,
      });
      return { record, http: http.calls };
    }
  }
}

runAll().then(
  (answers) => finish(answers),
  (error: unknown) => finish({ harnessError: describe(error) }),
);
