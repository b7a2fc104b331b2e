/**
 * Parity: the same logins through the original Rule (Rules-like runtime) and the converted
 * Action (bundled by esbuild exactly as the stacks bundle it, run by the Actions runtime in
 * src/actions-runtime), each in a sandboxed process of its own, then the outcomes compared here. A fixture whose context.protocol is
 * "redirect-callback" is the user's return from a redirect: the Action's onContinuePostLogin runs.
 */
import { parse } from "@babel/parser";
import traverse from "@babel/traverse";
import * as t from "@babel/types";
import { readFileSync } from "node:fs";
import type { z } from "zod";
import { resolve } from "node:path";
import { ACTION_TIME_LIMIT_MS, type PostLoginOutcome } from "../actions-runtime/run-post-login";
import { bundlePostLoginHandler } from "../bundle/bundle-action";
import { REPO_ROOT } from "../paths";
import { isBuiltinModule } from "../migrate/packages";
import { eventFromLogin } from "./event-from-login";
import { normalizeFixture, type FixtureFile, type RuleLogin } from "./fixtures";
import { postLoginActionSideSchema, ruleSideSchema } from "./isolation/jobs";
import { runIsolated } from "./isolation/run-isolated";
import { actionOutcome, compareOutcomes, ruleOutcome, type LoginOutcome } from "./outcome";
import { errorMessage, RULE_TIME_LIMIT_MS } from "./rule-sandbox";

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
  const logins = input.fixtures.map((fixture) => {
    const login = normalizeFixture(fixture);
    const entryPoint: FixtureParity["entryPoint"] =
      login.context.protocol === "redirect-callback" ? "onContinuePostLogin" : "onExecutePostLogin";
    return { login, entryPoint };
  });
  // The Rule and the Action each run in a sandboxed process of their own (isolation/run-isolated.ts);
  // only their validated answers meet here.
  const [ruleSide, actionSide] = await Promise.all([
    runIsolated(
      logins.map(({ login }) => ({ side: "rule" as const, source: input.ruleSource, file: input.ruleFile, login })),
      ruleSideSchema,
      "the Rule",
      input.timeoutMs ?? RULE_TIME_LIMIT_MS,
    ),
    runIsolated(
      logins.map(({ login, entryPoint }) => ({
        side: "post-login-action" as const,
        code: input.actionCode,
        event: eventFromLogin(login),
        entryPoint,
        http: login.http,
        dependencyRoot: REPO_ROOT,
      })),
      postLoginActionSideSchema,
      "the Action",
      input.timeoutMs ?? ACTION_TIME_LIMIT_MS,
    ),
  ]);
  const results = logins.map(({ login, entryPoint }, index): FixtureParity => {
    // A side without a usable answer leaves the fixture without a verdict, never "same".
    const unusable = [ruleSide, actionSide].flatMap((side) =>
      "couldNotCompare" in side ? [`could not compare (${side.couldNotCompare})`] : [],
    );
    if ("couldNotCompare" in ruleSide || "couldNotCompare" in actionSide)
      return { fixture: login.name, entryPoint, differences: [], errors: unusable };
    try {
      return compareLogin(login, entryPoint, ruleSide.answers[index], actionSide.answers[index]);
    } catch (error) {
      return { fixture: login.name, entryPoint, differences: [], errors: [`the parity harness failed: ${errorMessage(error)}`] };
    }
  });
  const errored = results.filter((r) => r.errors.length > 0).length;
  return { results, equal: errored === 0 && results.every((r) => r.differences.length === 0), errored };
}

function compareLogin(
  login: RuleLogin,
  entryPoint: FixtureParity["entryPoint"],
  ruleSide: { value: z.infer<typeof ruleSideSchema>; stray: string[] },
  actionSide: { value: z.infer<typeof postLoginActionSideSchema>; stray: string[] },
): FixtureParity {
  const rule = ruleOutcome(ruleSide.value.run, login, ruleSide.value.http);
  const actionRun = actionSide.value.outcome as PostLoginOutcome;
  if (entryPoint === "onContinuePostLogin" && !actionRun.error && !actionSide.value.exportsContinue) {
    actionRun.error = "the Action does not export onContinuePostLogin, but this login returns from a redirect";
  }
  const action = actionOutcome(actionRun, login, actionSide.value.http);
  const errors = [
    ...(rule.result === "error" ? [`the Rule threw: ${rule.failure}`] : []),
    ...(action.result === "error" ? [`the Action threw: ${action.failure}`] : []),
    ...ruleSide.stray.map((s) => `the Rule: ${s}`),
    ...actionSide.stray.map((s) => `the Action: ${s}`),
  ];
  return { fixture: login.name, entryPoint, rule, action, differences: errors.length > 0 ? [] : compareOutcomes(rule, action), errors };
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
