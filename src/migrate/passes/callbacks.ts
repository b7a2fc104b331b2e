/**
 * `callback(...)` ends a Rule. In an Action the handler returns instead, and an error becomes
 * `api.access.deny(message)`:
 *   callback(null, user, context)            → return
 *   callback(new UnauthorizedError(m))       → api.access.deny(m); return
 *   if (err) return callback(err)            → if (err) { api.access.deny(String(err?.message ?? err)); return; }
 * Calls the Action cannot express as a return (from a nested function still left after the
 * continuation pass, or inside an expression) are left as MIGRATION_TODO_CALLBACK.
 */
import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { apiCall, replaceStatement, withRuleFunction } from "../ast";
import { excerpt, RULE_LINE_COMMENT, type Conversion } from "../conversion";

type Outcome =
  | { kind: "success" }
  | { kind: "deny"; message: t.Expression }
  | { kind: "denyIf"; error: t.Expression }
  | { kind: "unsupported"; reason: string };

export function convertCallbackCalls(file: t.File, callbackName: string | undefined, conv: Conversion): void {
  if (!callbackName) return;
  withRuleFunction(file, (fn) => {
    const binding = fn.scope.getBinding(callbackName);
    if (!binding || binding.kind !== "param") return;
    for (const ref of [...binding.referencePaths]) {
      if (!ref.node || ref.findParent((p) => p.removed)) continue;
      convertReference(ref, fn, conv);
    }
  });
}

function convertReference(ref: NodePath, fn: NodePath<t.FunctionExpression>, conv: Conversion): void {
  const call = ref.parentPath;
  const isCall = call?.isCallExpression() && call.node.callee === ref.node;
  if (!isCall) {
    conv.todo(
      ref,
      "CALLBACK",
      "callback is used as a value; an Action ends by returning (or api.access.deny), so decide the outcome in the handler",
    );
    return;
  }
  const callPath = call;
  if (ref.getFunctionParent()?.node !== fn.node) {
    conv.todo(
      callPath,
      "CALLBACK",
      "callback is called from a nested function that could not be inlined (not the last step of the Rule, or not a .then/.catch or Node-style callback); restructure it with await so the handler decides the outcome",
    );
    return;
  }
  const statement = callPath.parentPath;
  if (!statement.isExpressionStatement() && !statement.isReturnStatement()) {
    conv.todo(callPath, "CALLBACK", "callback is called inside an expression; an Action ends with a return statement");
    return;
  }
  const outcome = classify(callPath.node.arguments[0], statement);
  if (outcome.kind === "unsupported") {
    conv.todo(callPath, "CALLBACK", outcome.reason);
    return;
  }

  const original = excerpt(callPath.node);
  const isLastOfHandler = statement.parentPath.node === fn.node.body && statement.key === fn.node.body.body.length - 1;
  const followers = Array.isArray(statement.container) ? (statement.container as t.Statement[]).slice((statement.key as number) + 1) : [];
  // `callback(...); return;` already returns right after.
  const returnsNext = t.isReturnStatement(followers[0]) && !followers[0].argument;
  const exit = isLastOfHandler || returnsNext ? [] : [t.returnStatement()];
  if (followers.some((s) => !t.isFunctionDeclaration(s) && !t.isEmptyStatement(s) && !(t.isReturnStatement(s) && !s.argument))) {
    conv.note(
      callPath,
      `statements after ${original} no longer run: the Action returns there (in the Rule they ran after the login was decided)`,
    );
  }

  switch (outcome.kind) {
    case "success":
      conv.changed(callPath, `${original} → ${isLastOfHandler ? "end of handler" : "return"}`);
      replaceStatement(statement, exit);
      return;
    case "deny":
      conv.changed(callPath, `${original} → api.access.deny(...)${isLastOfHandler ? "" : "; return"}`);
      replaceStatement(statement, [t.expressionStatement(apiCall("access.deny", [withRuleLine(outcome.message, callPath)])), ...exit]);
      return;
    case "denyIf": {
      conv.changed(callPath, `${original} → api.access.deny(message) when the error is set${isLastOfHandler ? "" : "; return"}`);
      const deny = t.expressionStatement(apiCall("access.deny", [errorMessage(outcome.error)]));
      replaceStatement(
        statement,
        knownTruthy(statement, outcome.error) ? [deny, ...exit] : [t.ifStatement(outcome.error, t.blockStatement([deny])), ...exit],
      );
      return;
    }
  }
}

function classify(first: t.Node | undefined, statement: NodePath): Outcome {
  if (
    first === undefined ||
    t.isNullLiteral(first) ||
    t.isIdentifier(first, { name: "undefined" }) ||
    (t.isUnaryExpression(first, { operator: "void" }) && t.isLiteral(first.argument))
  ) {
    return { kind: "success" };
  }
  if (
    t.isNewExpression(first) &&
    t.isIdentifier(first.callee) &&
    ["UnauthorizedError", "Error"].includes(first.callee.name) &&
    !statement.scope.getBinding(first.callee.name)
  ) {
    const message = first.arguments[0];
    if (message === undefined) return { kind: "deny", message: t.stringLiteral("") };
    if (t.isExpression(message)) return { kind: "deny", message };
    return { kind: "unsupported", reason: "the error's message is a spread argument" };
  }
  if (t.isStringLiteral(first) || t.isTemplateLiteral(first)) return { kind: "deny", message: first };
  if (isSideEffectFree(first)) return { kind: "denyIf", error: first as t.Expression };
  return {
    kind: "unsupported",
    reason: "callback is called with a computed error; assign it to a variable first, then call callback(thatVariable)",
  };
}

/**
 * The type check decides whether a deny message is a string; it names the Rule line of one that is
 * not through this comment (removed from the output after the check, see type-check.ts).
 */
function withRuleLine(message: t.Expression, at: NodePath): t.Expression {
  if (t.isStringLiteral(message)) return message;
  const line = at.node.loc?.start.line;
  if (line) t.addComment(message, "trailing", ` ${RULE_LINE_COMMENT} ${line} `, false);
  return message;
}

/** Plain names and member reads: safe to evaluate twice (the test and the message). */
function isSideEffectFree(node: t.Node): boolean {
  if (t.isIdentifier(node)) return true;
  if (t.isMemberExpression(node) || t.isOptionalMemberExpression(node))
    return isSideEffectFree(node.object) && (!node.computed || t.isLiteral(node.property));
  return false;
}

/** `if (err) return callback(err);`: inside the consequent of a test on the same value, it is known to be set. */
function knownTruthy(statement: NodePath, error: t.Expression): boolean {
  let branch: NodePath = statement;
  if (branch.parentPath?.isBlockStatement()) branch = branch.parentPath;
  const ifStatement = branch.parentPath;
  return !!ifStatement?.isIfStatement() && ifStatement.node.consequent === branch.node && t.isNodesEquivalent(ifStatement.node.test, error);
}

/** `String(err?.message ?? err)`: the message Rules showed for an Error, or the value itself. */
function errorMessage(error: t.Expression): t.Expression {
  const message = t.optionalMemberExpression(t.cloneNode(error), t.identifier("message"), false, true);
  return t.callExpression(t.identifier("String"), [t.logicalExpression("??", message, t.cloneNode(error))]);
}
