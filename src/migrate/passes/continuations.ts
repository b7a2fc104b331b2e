/**
 * Asynchronous Rules call `callback` from a continuation: a Node-style callback
 * (`request.get(opts, function (err, res, body) {…})`) or a promise handler
 * (`p.then(function () {…}).catch(function (err) {…})`). An Action is one async function, so
 * each continuation in tail position is inlined after an `await`:
 *
 *   const [err, res, body] = await callbackResults((done) => request.get(opts, done));
 *   …continuation body…
 *
 *   try { const r = await p; …then body… } catch (err: any) { …catch body… }
 *
 * Inlining repeats until no continuation that calls `callback` is left in tail position; any
 * call of `callback` still inside a nested function is reported by the callback pass.
 */
import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { declaredNames, isTailPosition, replaceStatement, staticPropertyName, withRuleFunction } from "../ast";
import type { Conversion } from "../conversion";

type FunctionLiteral = t.FunctionExpression | t.ArrowFunctionExpression;

export function inlineContinuations(file: t.File, callbackName: string | undefined, userName: string | undefined, conv: Conversion): void {
  if (!callbackName) return;
  for (let round = 0; round < 100; round++) {
    let rewritten = false;
    withRuleFunction(file, (fn) => {
      const binding = fn.scope.getBinding(callbackName);
      if (!binding || binding.kind !== "param") return;
      for (const ref of binding.referencePaths) {
        const outer = outermostNestedFunction(ref, fn);
        if (!outer) continue;
        const statement = outer.getStatementParent();
        if (!statement || statement.getFunctionParent()?.node !== fn.node) continue;
        if (!isTailPosition(statement, fn)) continue;
        if (rewriteStatement(statement, outer.node as FunctionLiteral, userName, conv)) {
          rewritten = true;
          return;
        }
      }
    });
    if (!rewritten) return;
  }
}

/** The function literal directly inside the Rule function that contains `ref`, if `ref` is nested at all. */
function outermostNestedFunction(ref: NodePath, fn: NodePath<t.FunctionExpression>): NodePath | undefined {
  let candidate: NodePath | undefined;
  for (let p = ref.getFunctionParent(); p && p.node !== fn.node; p = p.parentPath?.getFunctionParent() ?? null) candidate = p;
  if (!candidate || !(candidate.isFunctionExpression() || candidate.isArrowFunctionExpression())) return undefined;
  if (candidate.node.generator) return undefined;
  return candidate;
}

function rewriteStatement(statement: NodePath, continuation: FunctionLiteral, userName: string | undefined, conv: Conversion): boolean {
  const expression = statement.isExpressionStatement()
    ? statement.node.expression
    : statement.isReturnStatement()
      ? statement.node.argument
      : null;
  if (!t.isCallExpression(expression)) return false;
  const chain = promiseChain(expression);
  if (chain && (chain.onFulfilled === continuation || chain.onRejected === continuation)) {
    return rewritePromiseChain(statement, chain, userName, conv);
  }
  const last = expression.arguments[expression.arguments.length - 1];
  if (last === continuation && !chain) return rewriteNodeStyle(statement, expression, continuation, conv);
  return false;
}

interface PromiseChain {
  promise: t.Expression;
  onFulfilled?: FunctionLiteral;
  onRejected?: FunctionLiteral;
  /** `.then(ok, fail)`: `fail` handles only the promise's rejection, not errors thrown by `ok`. */
  rejectionOfPromiseOnly: boolean;
}

/** `p.then(f)`, `p.then(f).catch(g)`, `p.then(f, g)`, `p.catch(g)` with function literals; otherwise undefined. */
function promiseChain(call: t.CallExpression): PromiseChain | undefined {
  const method = methodName(call);
  if (method === "catch" && call.arguments.length === 1 && isFunctionLiteral(call.arguments[0])) {
    const inner = (call.callee as t.MemberExpression).object;
    if (
      t.isCallExpression(inner) &&
      methodName(inner) === "then" &&
      inner.arguments.length === 1 &&
      isFunctionLiteral(inner.arguments[0])
    ) {
      return {
        promise: (inner.callee as t.MemberExpression).object,
        onFulfilled: inner.arguments[0],
        onRejected: call.arguments[0],
        rejectionOfPromiseOnly: false,
      };
    }
    return { promise: inner, onRejected: call.arguments[0], rejectionOfPromiseOnly: false };
  }
  if (method === "then" && call.arguments.length >= 1 && call.arguments.length <= 2 && call.arguments.every(isFunctionLiteral)) {
    return {
      promise: (call.callee as t.MemberExpression).object,
      onFulfilled: call.arguments[0],
      onRejected: call.arguments[1] as FunctionLiteral | undefined,
      rejectionOfPromiseOnly: true,
    };
  }
  return undefined;
}

function methodName(call: t.CallExpression): string | undefined {
  return t.isMemberExpression(call.callee) ? staticPropertyName(call.callee) : undefined;
}

function isFunctionLiteral(node: t.Node | undefined): node is FunctionLiteral {
  return (t.isFunctionExpression(node) || t.isArrowFunctionExpression(node)) && !node.generator;
}

function bodyStatements(fn: FunctionLiteral): t.Statement[] {
  return t.isBlockStatement(fn.body) ? fn.body.body : [t.expressionStatement(fn.body)];
}

/** `auth0.users.updateAppMetadata(user.user_id, …)`: becomes synchronous api.user.set* calls, so it needs no await. */
function isCurrentUserMetadataUpdate(node: t.Expression, userName: string | undefined): boolean {
  if (!t.isCallExpression(node) || !t.isMemberExpression(node.callee)) return false;
  const method = staticPropertyName(node.callee);
  const users = node.callee.object;
  const first = node.arguments[0];
  return (
    (method === "updateAppMetadata" || method === "updateUserMetadata") &&
    t.isMemberExpression(users) &&
    t.isIdentifier(users.object, { name: "auth0" }) &&
    staticPropertyName(users) === "users" &&
    t.isMemberExpression(first) &&
    t.isIdentifier(first.object, { name: userName }) &&
    staticPropertyName(first) === "user_id"
  );
}

function rewritePromiseChain(statement: NodePath, chain: PromiseChain, userName: string | undefined, conv: Conversion): boolean {
  const ok = chain.onFulfilled;
  const fail = chain.onRejected;
  if ((ok && ok.params.length > 1) || (fail && fail.params.length > 1)) return false;
  const okParam = ok?.params[0] && isUsed(statement, ok, 0) ? (ok.params[0] as t.LVal) : undefined;
  const okBody = ok ? bodyStatements(ok) : [];

  if (isCurrentUserMetadataUpdate(chain.promise, userName) && !okParam) {
    // api.user.setAppMetadata cannot fail at this point (Auth0 writes the metadata after the flow), so
    // the update becomes plain statements and its .then body follows; a .catch body can never run.
    conv.changed(statement, "the metadata update's .then(...) body now runs right after the update (no await needed)");
    if (fail) conv.note(statement, "dropped the .catch(...) of the metadata update: api.user.set* does not fail during the login");
    inline(statement, [t.expressionStatement(chain.promise), ...okBody]);
    return true;
  }

  const awaited = t.awaitExpression(chain.promise);
  const catchParam = fail?.params[0] && isUsed(statement, fail, 0) ? anyTyped(fail.params[0] as t.Identifier) : null;
  let replacement: t.Statement[];
  if (fail && chain.rejectionOfPromiseOnly && ok) {
    if (okParam && !t.isIdentifier(okParam)) return false;
    const resultDecl = okParam ? [letAny(okParam)] : [];
    const assign = okParam ? t.expressionStatement(t.assignmentExpression("=", okParam, awaited)) : t.expressionStatement(awaited);
    replacement = [
      ...resultDecl,
      t.tryStatement(
        t.blockStatement([assign]),
        t.catchClause(catchParam, t.blockStatement([...bodyStatements(fail), t.returnStatement()])),
      ),
      ...okBody,
    ];
  } else {
    const first = okParam
      ? t.variableDeclaration(constOrLet(statement, ok!, 0), [t.variableDeclarator(okParam, awaited)])
      : t.expressionStatement(awaited);
    replacement = fail
      ? [t.tryStatement(t.blockStatement([first, ...okBody]), t.catchClause(catchParam, t.blockStatement(bodyStatements(fail))))]
      : [first, ...okBody];
  }
  conv.changed(statement, `promise continuation (.then/.catch) → await${fail ? " in try/catch" : ""}`);
  inline(statement, replacement);
  return true;
}

function rewriteNodeStyle(statement: NodePath, call: t.CallExpression, continuation: FunctionLiteral, conv: Conversion): boolean {
  const done = t.identifier(uniqueName(statement, "done"));
  const args = [...call.arguments.slice(0, -1), done];
  const invoke = t.arrowFunctionExpression([done], t.callExpression(call.callee, args));
  const awaited = t.awaitExpression(t.callExpression(t.identifier("callbackResults"), [invoke]));
  conv.helpers.add("callbackResults");

  const elements: Array<t.LVal | null> = continuation.params.map((p, index) =>
    isUsed(statement, continuation, index) ? (p as t.LVal) : null,
  );
  while (elements.length > 0 && elements[elements.length - 1] === null) elements.pop();
  const first =
    elements.length === 0
      ? t.expressionStatement(awaited)
      : t.variableDeclaration(continuation.params.some((_, i) => constOrLet(statement, continuation, i) === "let") ? "let" : "const", [
          t.variableDeclarator(t.arrayPattern(elements as Array<t.PatternLike | null>), awaited),
        ]);
  conv.changed(statement, "Node-style callback continuation → await callbackResults(...) and its body inlined");
  inline(statement, [first, ...bodyStatements(continuation)]);
  return true;
}

/** Replaces the statement, in a block when the inlined names would clash with names already declared there. */
function inline(statement: NodePath, statements: t.Statement[]): void {
  const names = declaredNames(statements);
  const clash = names.some((name) => statement.scope.hasOwnBinding(name));
  replaceStatement(statement, clash ? [t.blockStatement(statements)] : statements);
}

function isUsed(statement: NodePath, fn: FunctionLiteral, index: number): boolean {
  const param = fn.params[index];
  if (!t.isIdentifier(param)) return param !== undefined;
  const fnPath = findPath(statement, fn);
  const binding = fnPath?.scope.getBinding(param.name);
  return binding ? binding.referenced || binding.constantViolations.length > 0 : true;
}

function constOrLet(statement: NodePath, fn: FunctionLiteral, index: number): "const" | "let" {
  const param = fn.params[index];
  if (!t.isIdentifier(param)) return "const";
  const binding = findPath(statement, fn)?.scope.getBinding(param.name);
  return binding && binding.constantViolations.length > 0 ? "let" : "const";
}

function findPath(statement: NodePath, fn: FunctionLiteral): NodePath | undefined {
  let found: NodePath | undefined;
  statement.traverse({
    Function(p) {
      if (p.node === fn) {
        found = p;
        p.stop();
      }
    },
  });
  return found;
}

function anyTyped(param: t.Identifier): t.Identifier {
  const copy = t.identifier(param.name);
  copy.typeAnnotation = t.tsTypeAnnotation(t.tsAnyKeyword());
  return copy;
}

function letAny(param: t.Identifier): t.VariableDeclaration {
  return t.variableDeclaration("let", [t.variableDeclarator(anyTyped(param))]);
}

function uniqueName(at: NodePath, base: string): string {
  return at.scope.hasBinding(base) ? at.scope.generateUid(base) : base;
}
