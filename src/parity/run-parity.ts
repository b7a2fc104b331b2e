/**
 * Parity: the same logins through the original Rule (Rules-like sandbox) and the converted
 * Action (bundled by esbuild exactly as the stacks bundle it, run by the Actions sandbox in
 * src/actions-runtime), then the outcomes compared. A fixture whose context.protocol is
 * "redirect-callback" is the user's return from a redirect: the Action's onContinuePostLogin runs.
 */
import { parse } from "@babel/parser";
import traverse from "@babel/traverse";
import * as t from "@babel/types";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadActionModule, runPostLogin } from "../actions-runtime/run-post-login";
import { bundlePostLoginHandler } from "../bundle/bundle-action";
import { REPO_ROOT } from "../paths";
import { isBuiltinModule } from "../migrate/packages";
import { eventFromLogin } from "./event-from-login";
import { normalizeFixture, type FixtureFile, type RuleLogin } from "./fixtures";
import { httpDoubles, type HttpLog } from "./http-doubles";
import { actionOutcome, compareOutcomes, ruleOutcome, type LoginOutcome } from "./outcome";
import { errorMessage, runRule } from "./rule-sandbox";

export interface FixtureParity {
  fixture: string;
  entryPoint: "onExecutePostLogin" | "onContinuePostLogin";
  /** Undefined when the harness itself failed on this fixture (see errors). */
  rule?: LoginOutcome;
  action?: LoginOutcome;
  differences: string[];
  /** The Rule threw, the Action threw, or the harness failed: no verdict on this fixture. */
  errors: string[];
}

export interface ParityReport {
  results: FixtureParity[];
  /** True when every fixture ended the same way on both sides (and none had an error). */
  equal: boolean;
  /** Fixtures with an error: the run cannot say "same" or "different" for them. */
  errored: number;
}

/** `npm run parity`'s exit status: 0 the same, 1 differences, 3 an error in the Rule, the Action or the harness. */
export const PARITY_EXIT = { same: 0, different: 1, usage: 2, error: 3 } as const;

export function parityExitCode(report: ParityReport): number {
  if (report.errored > 0) return PARITY_EXIT.error;
  return report.equal ? PARITY_EXIT.same : PARITY_EXIT.different;
}

export interface ParityInput {
  ruleSource: string;
  ruleFile: string;
  /** Deployable Action code (already bundled). */
  actionCode: string;
  fixtures: FixtureFile["fixtures"];
  timeoutMs?: number;
}

export async function checkParity(input: ParityInput): Promise<ParityReport> {
  const results: FixtureParity[] = [];
  for (const fixture of input.fixtures) {
    const login = normalizeFixture(fixture);
    const entryPoint = login.context.protocol === "redirect-callback" ? "onContinuePostLogin" : "onExecutePostLogin";
    // Whatever escapes both sandboxes (an unhandled rejection in Rule or Action code, a bug here)
    // becomes this fixture's error, never a crash of the whole run.
    const stray: string[] = [];
    const trap = (error: unknown) => stray.push(`uncaught outside the sandboxes: ${errorMessage(error)}`);
    process.on("uncaughtException", trap);
    process.on("unhandledRejection", trap);
    let result: FixtureParity;
    try {
      result = await compareLogin(input, login, entryPoint);
    } catch (error) {
      result = { fixture: login.name, entryPoint, differences: [], errors: [`the parity harness failed: ${errorMessage(error)}`] };
    } finally {
      // Let pending callbacks of this fixture settle before the trap is removed.
      await new Promise((resolve) => setImmediate(resolve));
      process.off("uncaughtException", trap);
      process.off("unhandledRejection", trap);
    }
    result.errors.push(...stray);
    results.push(result);
  }
  const errored = results.filter((r) => r.errors.length > 0).length;
  return { results, equal: errored === 0 && results.every((r) => r.differences.length === 0), errored };
}

async function compareLogin(input: ParityInput, login: RuleLogin, entryPoint: FixtureParity["entryPoint"]): Promise<FixtureParity> {
  const ruleHttp: HttpLog = { calls: [] };
  const ruleRun = await runRule(input.ruleSource, input.ruleFile, login, {
    modules: (report) => httpDoubles(login.http, ruleHttp, report),
    timeoutMs: input.timeoutMs,
  });
  const rule = ruleOutcome(ruleRun, login, ruleHttp.calls);

  const actionHttp: HttpLog = { calls: [] };
  const actionRun = await runPostLogin(input.actionCode, eventFromLogin(login), {
    entryPoint,
    dependencyRoot: REPO_ROOT,
    modules: httpDoubles(login.http, actionHttp),
    timeoutMs: input.timeoutMs,
  });
  if (entryPoint === "onContinuePostLogin" && !actionRun.error && !exportsContinue(input.actionCode, login)) {
    actionRun.error = "the Action does not export onContinuePostLogin, but this login returns from a redirect";
  }
  const action = actionOutcome(actionRun, login, actionHttp.calls);
  const errors = [
    ...(rule.result === "error" ? [`the Rule threw: ${rule.failure}`] : []),
    ...(action.result === "error" ? [`the Action threw: ${action.failure}`] : []),
  ];
  return { fixture: login.name, entryPoint, rule, action, differences: errors.length > 0 ? [] : compareOutcomes(rule, action), errors };
}

function exportsContinue(code: string, login: RuleLogin): boolean {
  try {
    return (
      typeof loadActionModule(code, { dependencyRoot: REPO_ROOT, modules: httpDoubles(login.http, { calls: [] }) }).onContinuePostLogin ===
      "function"
    );
  } catch {
    return false;
  }
}

/**
 * Bundles a handler file (anywhere on disk) the way the stacks do. Packages it requires are kept
 * external, as Action dependencies are, and resolved at run time (doubles or the project's node_modules).
 */
export function bundleActionFile(file: string): string {
  const source = readFileSync(file, "utf8");
  return bundlePostLoginHandler("parity", requiredPackages(source), resolve(file)).code;
}

/** Bare package names a handler imports or requires (relative paths and Node built-ins excluded). */
export function requiredPackages(typescriptSource: string): string[] {
  const ast = parse(typescriptSource, { sourceType: "module", plugins: ["typescript"] });
  const packages = new Set<string>();
  const add = (spec: string) => {
    if (spec.startsWith(".") || spec.startsWith("/") || isBuiltinModule(spec)) return;
    packages.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
  };
  traverse(ast, {
    ImportDeclaration(path) {
      if (path.node.importKind !== "type") add(path.node.source.value);
    },
    CallExpression(path) {
      const [arg] = path.node.arguments;
      if (t.isIdentifier(path.node.callee, { name: "require" }) && t.isStringLiteral(arg)) add(arg.value);
    },
  });
  return [...packages].sort();
}
