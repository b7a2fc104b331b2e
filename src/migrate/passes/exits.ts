/**
 * A Rule ended the login only by calling `callback`. One that returned (or ran off its end)
 * without calling it left the login waiting until the Rules time limit, and the login failed.
 * An Action that returns lets the login through, so each such exit is made explicit: the login is
 * denied there (the Rule's effect: it must fail) through a MIGRATION_TODO_NO_CALLBACK marker, so
 * the file fails type-checking until someone confirms that the failure was intended.
 *
 * Runs after the continuation pass (inlined continuations are plain statements by then) and
 * before the callback pass (which turns callback calls into returns). A Rule that still calls
 * callback from a nested function cannot be followed statically: that is already a
 * MIGRATION_TODO_CALLBACK, and this pass leaves it alone.
 */
import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { apiCall, withRuleFunction } from "../ast";
import { excerpt, type Conversion } from "../conversion";

/** The state after a statement: every path left the function, or some continue (having called back or not). */
type Flow = { kind: "exited" } | { kind: "open"; calledBack: boolean };

const REASON =
  "the Rule ends here without calling callback, so the login failed when the Rules time limit passed; an Action that returns lets the login through. The Action denies the login here instead (same effect, immediately): keep that, or call what the Rule meant to";
const MESSAGE = "The login could not be completed.";

export function convertExitsWithoutCallback(file: t.File, callbackName: string | undefined, conv: Conversion): void {
  withRuleFunction(file, (fn) => {
    const binding = callbackName ? fn.scope.getBinding(callbackName) : undefined;
    if (binding?.referencePaths.some((ref) => ref.getFunctionParent()?.node !== fn.node)) return;
    const isCallbackCall = (node: t.Node | null | undefined): boolean => {
      const call = t.isAwaitExpression(node) ? node.argument : node;
      return !!callbackName && t.isCallExpression(call) && t.isIdentifier(call.callee, { name: callbackName }) && !!binding;
    };
    const flagged: NodePath<t.ReturnStatement>[] = [];

    const statement = (path: NodePath<t.Statement>, state: Flow): Flow => {
      if (state.kind === "exited") return state;
      if (path.isExpressionStatement() && isCallbackCall(path.node.expression)) return { kind: "open", calledBack: true };
      if (path.isReturnStatement()) {
        if (!state.calledBack && !isCallbackCall(path.node.argument)) flagged.push(path);
        return { kind: "exited" };
      }
      if (path.isThrowStatement()) return { kind: "exited" };
      if (path.isBlockStatement()) return list(path.get("body"), state);
      if (path.isIfStatement()) {
        const consequent = statement(path.get("consequent"), state);
        const alternate = path.node.alternate ? statement(path.get("alternate") as NodePath<t.Statement>, state) : state;
        return join(consequent, alternate);
      }
      if (path.isTryStatement()) {
        const block = statement(path.get("block"), state);
        const handler = path.node.handler ? statement(path.get("handler.body"), state) : block;
        const joined = join(block, handler);
        return path.node.finalizer ? statement(path.get("finalizer") as NodePath<t.Statement>, joined) : joined;
      }
      // Loops, switch, labels: their returns are checked with the state on entry; afterwards the
      // state is unknown, so nothing is assumed called back (a later exit is flagged, not missed).
      if (path.isLoop() || path.isSwitchStatement() || path.isLabeledStatement()) {
        path.traverse({
          Function: (inner) => inner.skip(),
          ReturnStatement: (ret) => {
            if (!state.calledBack && !isCallbackCall(ret.node.argument) && !precededByCallback(ret, isCallbackCall)) flagged.push(ret);
          },
        });
      }
      return state;
    };
    const list = (paths: NodePath<t.Statement>[], state: Flow): Flow => paths.reduce((s, p) => statement(p, s), state);

    const end = list(fn.get("body").get("body"), { kind: "open", calledBack: false });
    for (const ret of flagged) denyAt(ret, conv);
    if (end.kind === "open" && !end.calledBack) {
      const endLine = fn.node.loc?.end.line ?? 0;
      const deny = denyStatement(endLine);
      fn.get("body").pushContainer("body", deny);
      const pushed = fn.get("body").get("body");
      markTodo(pushed[pushed.length - 1], conv, "(the end of the Rule function)");
    }
  });
}

function join(a: Flow, b: Flow): Flow {
  if (a.kind === "exited") return b;
  if (b.kind === "exited") return a;
  return { kind: "open", calledBack: a.calledBack && b.calledBack };
}

function precededByCallback(ret: NodePath, isCallbackCall: (n: t.Node | null | undefined) => boolean): boolean {
  if (!Array.isArray(ret.container) || typeof ret.key !== "number" || ret.key === 0) return false;
  const previous = (ret.container as t.Statement[])[ret.key - 1];
  return t.isExpressionStatement(previous) && isCallbackCall(previous.expression);
}

function denyStatement(line: number): t.ExpressionStatement {
  const statement = t.expressionStatement(apiCall("access.deny", [t.stringLiteral(MESSAGE)]));
  const position = { line, column: 0, index: 0 };
  statement.loc = { start: position, end: position, filename: "", identifierName: undefined };
  return statement;
}

/** `return x;` → `x; api.access.deny(MIGRATION_TODO_NO_CALLBACK("…")); return;` (the value was ignored by Rules). */
function denyAt(ret: NodePath<t.ReturnStatement>, conv: Conversion): void {
  const line = ret.node.loc?.start.line ?? 0;
  const before: t.Statement[] =
    ret.node.argument && !t.isIdentifier(ret.node.argument) && !t.isLiteral(ret.node.argument)
      ? [t.expressionStatement(ret.node.argument)]
      : [];
  const deny = denyStatement(line);
  const exit = t.returnStatement();
  exit.loc = deny.loc;
  const shown = excerpt(ret.node);
  const inserted = ret.replaceWithMultiple([...before, deny, exit]);
  markTodo(inserted[before.length] as NodePath<t.Statement>, conv, shown);
}

function markTodo(deny: NodePath<t.Statement>, conv: Conversion, ruleCode: string): void {
  const message = deny.get("expression.arguments.0") as NodePath<t.StringLiteral>;
  conv.todo(message, "NO_CALLBACK", REASON, "wrap", ruleCode);
}
