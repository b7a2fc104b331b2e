/**
 * Hook parity: each fixture through the original Hook (hooks-runtime.ts) and the converted
 * Action (bundled by esbuild as the stacks bundle it, run as Auth0 calls its trigger), each with
 * HTTP doubles over the same canned answers, then the outcomes compared.
 */
import { REPO_ROOT } from "../../paths";
import { HOOK_KINDS, type HookType } from "../../migrate/hook/hook-types";
import { httpDoubles, type HttpLog } from "../http-doubles";
import { normalizeHookFixture, type HookFixture } from "./fixtures";
import { runHook } from "./hooks-runtime";
import { actionOutcome, compareTriggerOutcomes, hookOutcome, type TriggerOutcome } from "./outcome";
import { runTriggerAction } from "./run-action";

export interface HookFixtureParity {
  fixture: string;
  hook: TriggerOutcome;
  action: TriggerOutcome;
  differences: string[];
}

export interface HookParityReport {
  results: HookFixtureParity[];
  equal: boolean;
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
  const results: HookFixtureParity[] = [];
  for (const fixture of input.fixtures) {
    const run = normalizeHookFixture(input.hookType, fixture);
    const hookHttp: HttpLog = { calls: [] };
    const hookRun = await runHook(input.hookSource, input.hookFile, kind, run.hookArgs, run.hookSecrets, run.hookContext, {
      modules: httpDoubles(run.http, hookHttp),
      timeoutMs: input.timeoutMs,
    });
    const hook = hookOutcome(kind, hookRun, run, hookHttp.calls);
    const actionHttp: HttpLog = { calls: [] };
    const record = await runTriggerAction(input.actionCode, kind, run.event, {
      dependencyRoot: REPO_ROOT,
      modules: httpDoubles(run.http, actionHttp),
      timeoutMs: input.timeoutMs,
    });
    const action = actionOutcome(kind, record, run, actionHttp.calls);
    results.push({ fixture: run.name, hook, action, differences: compareTriggerOutcomes(hook, action) });
  }
  return { results, equal: results.every((r) => r.differences.length === 0) };
}

export function formatHookParityReport(report: HookParityReport, heading: string): string {
  const lines = [heading];
  for (const r of report.results) {
    if (r.differences.length === 0) {
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
  lines.push(`${report.results.length} fixture(s): ${report.results.length - different} the same, ${different} different`);
  return lines.join("\n");
}
