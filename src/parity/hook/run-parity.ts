/**
 * Hook parity: each fixture through the original Hook (hooks-runtime.ts) and the converted
 * Action (bundled by esbuild as the stacks bundle it, run as Auth0 calls its trigger), each with
 * HTTP doubles over the same canned answers, then the outcomes compared. The Hook and the Action
 * each run in a sandboxed process of their own (../isolation/run-isolated.ts); only their
 * validated answers meet here.
 */
import type { z } from "zod";
import { REPO_ROOT } from "../../paths";
import { ACTION_TIME_LIMIT_MS } from "../../actions-runtime/run-post-login";
import { HOOK_KINDS, HOOK_TIME_LIMIT_MS, type HookType } from "../../migrate/hook/hook-types";
import { hookActionSideSchema, hookSideSchema } from "../isolation/jobs";
import { runIsolated } from "../isolation/run-isolated";
import { normalizeHookFixture, type HookFixture } from "./fixtures";
import { actionOutcome, compareTriggerOutcomes, hookOutcome, type TriggerOutcome } from "./outcome";

export interface HookFixtureParity {
  fixture: string;
  /** Undefined when a side had no usable answer (see errors). */
  hook?: TriggerOutcome;
  action?: TriggerOutcome;
  differences: string[];
  /** Why this fixture has no verdict ("could not compare (...)"); empty when it has one. */
  errors: string[];
}

export interface HookParityReport {
  results: HookFixtureParity[];
  /** True when every fixture ended the same way on both sides (and none had an error). */
  equal: boolean;
  /** Fixtures without a verdict: the run can say neither "same" nor "different" (exit 3). */
  errored: number;
}

export interface HookParityInput {
  hookSource: string;
  hookFile: string;
  hookType: HookType;
  actionCode: string;
  fixtures: HookFixture[];
  timeoutMs?: number;
}

export async function checkHookParity(input: HookParityInput): Promise<HookParityReport> {
  const kind = HOOK_KINDS[input.hookType];
  const runs = input.fixtures.map((fixture) => normalizeHookFixture(input.hookType, fixture));
  const [hookSide, actionSide] = await Promise.all([
    runIsolated(
      runs.map((run) => ({
        side: "hook" as const,
        source: input.hookSource,
        file: input.hookFile,
        hookType: input.hookType,
        args: run.hookArgs,
        secrets: run.hookSecrets,
        context: run.hookContext,
        http: run.http,
      })),
      hookSideSchema,
      "the Hook",
      input.timeoutMs ?? HOOK_TIME_LIMIT_MS,
    ),
    runIsolated(
      runs.map((run) => ({
        side: "hook-action" as const,
        code: input.actionCode,
        hookType: input.hookType,
        event: run.event,
        http: run.http,
        dependencyRoot: REPO_ROOT,
      })),
      hookActionSideSchema,
      "the Action",
      input.timeoutMs ?? ACTION_TIME_LIMIT_MS,
    ),
  ]);
  const results = runs.map((run, index): HookFixtureParity => {
    if ("couldNotCompare" in hookSide || "couldNotCompare" in actionSide) {
      const errors = [hookSide, actionSide].flatMap((side) =>
        "couldNotCompare" in side ? [`could not compare (${side.couldNotCompare})`] : [],
      );
      return { fixture: run.name, differences: [], errors };
    }
    const hookAnswer: { value: z.infer<typeof hookSideSchema>; stray: string[] } = hookSide.answers[index];
    const actionAnswer: { value: z.infer<typeof hookActionSideSchema>; stray: string[] } = actionSide.answers[index];
    const hook = hookOutcome(kind, hookAnswer.value.run, run, hookAnswer.value.http);
    const action = actionOutcome(kind, actionAnswer.value.record, run, actionAnswer.value.http);
    const errors = [
      ...hookAnswer.stray.map((s) => `could not compare (the Hook: ${s})`),
      ...actionAnswer.stray.map((s) => `could not compare (the Action: ${s})`),
    ];
    return { fixture: run.name, hook, action, differences: errors.length > 0 ? [] : compareTriggerOutcomes(hook, action), errors };
  });
  const errored = results.filter((r) => r.errors.length > 0).length;
  return { results, equal: errored === 0 && results.every((r) => r.differences.length === 0), errored };
}

export function formatHookParityReport(report: HookParityReport, heading: string): string {
  const lines = [heading];
  for (const r of report.results) {
    if (r.errors.length > 0 || !r.hook) {
      lines.push(`  ERROR      ${r.fixture}`);
      lines.push(...r.errors.map((e) => `             ${e}`));
    } else if (r.differences.length === 0) {
      const detail =
        r.hook.result === "denied" || r.hook.result === "failed"
          ? `${r.hook.result}: ${r.hook.code ? `${r.hook.code} ` : ""}${r.hook.message ?? ""}`.trim()
          : r.hook.result;
      lines.push(`  same       ${r.fixture} (${detail})`);
    } else {
      lines.push(`  DIFFERENT  ${r.fixture}`);
      lines.push(...r.differences.map((d) => `             ${d}`));
    }
  }
  const different = report.results.filter((r) => r.differences.length > 0).length;
  const errors = report.errored > 0 ? `, ${report.errored} with an error (no verdict: exit 3)` : "";
  lines.push(
    `${report.results.length} fixture(s): ${report.results.length - different - report.errored} the same, ${different} different${errors}`,
  );
  return lines.join("\n");
}
