/**
 * A Rule that redirects runs twice: first to set `context.redirect`, then again when the user
 * comes back, with `context.protocol === 'redirect-callback'`. An Action has two entry points
 * instead. A top-level `if` on the redirect-callback protocol is split:
 *   onExecutePostLogin  = statements before the if + the other branch (+ what follows, if that branch does not exit)
 *   onContinuePostLogin = statements before the if + the redirect-callback branch (+ what follows, likewise)
 */
import * as t from "@babel/types";
import { alwaysExits, staticPropertyName } from "../ast";
import type { Conversion } from "../conversion";

export interface SplitRule {
  execute: t.Statement[];
  /** Present when the Rule has a redirect-callback branch. */
  continue?: t.Statement[];
}

export function splitRedirectCallback(
  body: t.BlockStatement,
  contextName: string | undefined,
  callbackName: string | undefined,
  conv: Conversion,
): SplitRule {
  const index = body.body.findIndex((s) => t.isIfStatement(s) && redirectCallbackTest(s.test, contextName) !== undefined);
  if (index < 0) return { execute: body.body };
  const ifStatement = body.body[index] as t.IfStatement;
  const isCallback = redirectCallbackTest(ifStatement.test, contextName)!;
  const before = body.body.slice(0, index);
  const after = body.body.slice(index + 1);
  const branch = (s: t.Statement | null | undefined): t.Statement[] => (!s ? [] : t.isBlockStatement(s) ? s.body : [s]);
  const onCallback = branch(isCallback ? ifStatement.consequent : ifStatement.alternate);
  const onLogin = branch(isCallback ? ifStatement.alternate : ifStatement.consequent);
  const clone = (statements: t.Statement[]) => statements.map((s) => t.cloneNode(s, true, false));
  const withRest = (statements: t.Statement[]) => [
    ...clone(before),
    ...clone(statements),
    ...(alwaysExits(statements, callbackName) ? [] : clone(after)),
  ];
  conv.changed(ifStatement, "the redirect-callback branch → exports.onContinuePostLogin; the rest → exports.onExecutePostLogin");
  return { execute: withRest(onLogin), continue: withRest(onCallback) };
}

/** true for `context.protocol === 'redirect-callback'`, false for `!==`, undefined when the test is something else. */
function redirectCallbackTest(test: t.Expression, contextName: string | undefined): boolean | undefined {
  if (!contextName || !t.isBinaryExpression(test)) return undefined;
  const equal = test.operator === "===" || test.operator === "==";
  if (!equal && test.operator !== "!==" && test.operator !== "!=") return undefined;
  const isProtocol = (n: t.Node) =>
    t.isMemberExpression(n) && t.isIdentifier(n.object, { name: contextName }) && staticPropertyName(n) === "protocol";
  const isLiteral = (n: t.Node) => t.isStringLiteral(n, { value: "redirect-callback" });
  if ((isProtocol(test.left) && isLiteral(test.right)) || (isLiteral(test.left) && isProtocol(test.right))) return equal;
  return undefined;
}
