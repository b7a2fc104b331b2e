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
import { bundlePostLoginHandler, REPO_ROOT } from "../bundle/bundle-action";
import { isBuiltinModule } from "../migrate/packages";
import { eventFromLogin } from "./event-from-login";
import { normalizeFixture, type FixtureFile, type RuleLogin } from "./fixtures";
import { httpDoubles, type HttpLog } from "./http-doubles";
import { actionOutcome, compareOutcomes, ruleOutcome, type LoginOutcome } from "./outcome";
import { runRule } from "./rule-sandbox";

export interface FixtureParity {
  fixture: string;
  entryPoint: "onExecutePostLogin" | "onContinuePostLogin";
  rule: LoginOutcome;
  action: LoginOutcome;
  differences: string[];
}

export interface ParityReport {
  results: FixtureParity[];
  /** True when every fixture ended the same way on both sides. */
  equal: boolean;
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
    results.push(await compareLogin(input, login));
  }
  return { results, equal: results.every((r) => r.differences.length === 0) };
}

async function compareLogin(input: ParityInput, login: RuleLogin): Promise<FixtureParity> {
  const entryPoint = login.context.protocol === "redirect-callback" ? "onContinuePostLogin" : "onExecutePostLogin";

  const ruleHttp: HttpLog = { calls: [] };
  const ruleRun = await runRule(input.ruleSource, input.ruleFile, login, { modules: httpDoubles(login.http, ruleHttp), timeoutMs: input.timeoutMs });
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
  return { fixture: login.name, entryPoint, rule, action, differences: compareOutcomes(rule, action) };
}

function exportsContinue(code: string, login: RuleLogin): boolean {
  try {
    return typeof loadActionModule(code, { dependencyRoot: REPO_ROOT, modules: httpDoubles(login.http, { calls: [] }) }).onContinuePostLogin === "function";
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
