/**
 * The Hook's callback `cb(error, response)` → the Action's outcome.
 *
 * Direct form, when every call is a `return cb(…)` or the last thing the Hook does and its error
 * argument is visibly absent or an error being created:
 *   cb(null, response)                 → setHookClaims / setHookMetadata(api, response); return
 *   cb(new InvalidScopeError(m))       → api.access.deny("invalid_scope", m); return
 *   cb(new PreUserRegistrationError(m, u)) → api.access.deny(m, u); return
 *   cb(new Error(m)) / cb("text")      → throw …  (the Hook's failure is the Action's failure)
 * Otherwise (the callback called later from an HTTP callback, passed on, or with an error held
 * in a variable) the Hook body runs unchanged inside a Promise that the callback settles, and the
 * settled value is applied the same way. Both forms do exactly what the Hooks runtime did.
 */
import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { apiCall, isTailPosition, replaceStatement, withRuleFunction } from "../ast";
import { excerpt, type Conversion } from "../conversion";
import type { HookKind } from "./hook-types";

export type HookHelper = "setHookClaims" | "setHookMetadata" | "failAsHook" | "errorClasses";

export interface CallbackPlan {
  mode: "direct" | "promise";
  helpers: Set<HookHelper>;
}

function isNullish(node: t.Node | undefined): boolean {
  return node === undefined || t.isNullLiteral(node) || t.isIdentifier(node, { name: "undefined" });
}

function knownError(node: t.Node | undefined, kind: HookKind): string | undefined {
  if (!t.isNewExpression(node) || !t.isIdentifier(node.callee)) return undefined;
  return Object.prototype.hasOwnProperty.call(kind.errors, node.callee.name) ? node.callee.name : undefined;
}

function directErrorArgument(node: t.Node | undefined): boolean {
  return t.isNewExpression(node) || t.isStringLiteral(node) || t.isTemplateLiteral(node);
}

/** The statement a direct call stands in: `cb(…);` or `return cb(…);`. */
function callStatement(call: NodePath<t.CallExpression>): NodePath<t.Statement> | undefined {
  const parent = call.parentPath;
  if (parent?.isExpressionStatement() || (parent?.isReturnStatement() && parent.node.argument === call.node)) return parent;
  return undefined;
}

export function planCallback(file: t.File, kind: HookKind, callbackName: string | undefined, isAsync: boolean): CallbackPlan {
  const plan: CallbackPlan = { mode: "direct", helpers: new Set() };
  if (!callbackName || isAsync) {
    if (callbackName) plan.mode = "promise";
    return plan;
  }
  withRuleFunction(file, (fn) => {
    const binding = fn.scope.getBinding(callbackName);
    if (!binding) return;
    if (binding.constantViolations.length > 0) plan.mode = "promise";
    for (const ref of binding.referencePaths) {
      const call = ref.parentPath;
      const direct =
        call?.isCallExpression() &&
        call.node.callee === ref.node &&
        ref.getFunctionParent()?.node === fn.node &&
        (() => {
          const statement = callStatement(call);
          if (!statement) return false;
          if (!statement.isReturnStatement() && !isTailPosition(statement, fn)) return false;
          const [first] = call.node.arguments;
          return isNullish(first) || directErrorArgument(first);
        })();
      if (!direct) plan.mode = "promise";
    }
    // The Hook's error classes used anywhere but directly in such a call (thrown, kept in a
    // variable): only the promise form gives them the meaning the Hooks runtime did.
    fn.traverse({
      Identifier(path) {
        if (
          !Object.prototype.hasOwnProperty.call(kind.errors, path.node.name) ||
          !path.isReferencedIdentifier() ||
          path.scope.getBinding(path.node.name)
        )
          return;
        const created = path.parentPath;
        const call = created?.parentPath;
        const inDirectCall =
          created?.isNewExpression() &&
          call?.isCallExpression() &&
          t.isIdentifier(call.node.callee, { name: callbackName }) &&
          call.node.arguments[0] === created.node;
        if (!inDirectCall) plan.mode = "promise";
      },
    });
  });
  return plan;
}

/** Rewrites every callback call for the direct form. */
export function convertDirectCallbacks(file: t.File, kind: HookKind, callbackName: string, conv: Conversion, plan: CallbackPlan): void {
  withRuleFunction(file, (fn) => {
    const binding = fn.scope.getBinding(callbackName);
    if (!binding) return;
    for (const ref of [...binding.referencePaths]) {
      const call = ref.parentPath as NodePath<t.CallExpression>;
      const statement = callStatement(call)!;
      const [first, second] = call.node.arguments;
      const out: t.Statement[] = [];
      if (isNullish(first)) {
        if (kind.response === "access-token" && second) {
          plan.helpers.add("setHookClaims");
          out.push(t.expressionStatement(t.callExpression(t.identifier("setHookClaims"), [t.identifier("api"), second])));
          conv.changed(call, `${callbackName}(null, accessToken) → the token's namespaced claims through api.accessToken.setCustomClaim`);
        } else if (kind.response === "registration" && second) {
          plan.helpers.add("setHookMetadata");
          out.push(t.expressionStatement(t.callExpression(t.identifier("setHookMetadata"), [t.identifier("api"), second])));
          conv.changed(
            call,
            `${callbackName}(null, response) → response.user.user_metadata / app_metadata through api.user.setUserMetadata / setAppMetadata`,
          );
        } else {
          // The response is unused, but building it may call something: keep anything but a name or a literal.
          if (second && !t.isIdentifier(second) && !t.isLiteral(second)) out.push(t.expressionStatement(second as t.Expression));
          conv.changed(call, `${callbackName}(${second ? "null, …" : ""}) → return (the ${kind.hookType} Hook's response was not used)`);
        }
        out.push(t.returnStatement());
      } else {
        const errorClass = knownError(first, kind);
        const meaning = errorClass ? kind.errors[errorClass] : undefined;
        const args = (first as t.NewExpression).arguments as t.Expression[];
        if (meaning?.kind === "oauth") {
          out.push(
            t.expressionStatement(apiCall("access.deny", [t.stringLiteral(meaning.code), ...(args[0] ? [args[0]] : [])])),
            t.returnStatement(),
          );
          conv.changed(call, `${callbackName}(new ${errorClass}(…)) → api.access.deny("${meaning.code}", …)`);
        } else if (meaning?.kind === "deny-signup") {
          out.push(
            t.expressionStatement(apiCall("access.deny", [args[0] ?? t.stringLiteral(""), ...(args[1] ? [args[1]] : [])])),
            t.returnStatement(),
          );
          conv.changed(call, `${callbackName}(new ${errorClass}(reason, userMessage)) → api.access.deny(reason, userMessage)`);
        } else {
          out.push(t.throwStatement(first as t.Expression));
          conv.changed(call, `${callbackName}(${excerpt(first)}) → throw (the Action fails as the Hook did)`);
        }
      }
      // A tail call's trailing `return;` says nothing (the emitter trims the handler's last one).
      replaceStatement(statement, out);
    }
  });
}

/**
 * The promise form: the Hook body, unchanged, runs inside a Promise; the callback settles it.
 *   const response = await new Promise<any>((resolve, reject) => { const cb = …; <body> });
 */
export function promiseBody(
  kind: HookKind,
  callbackName: string,
  body: t.Statement[],
  isAsync: boolean,
  plan: CallbackPlan,
  conv: Conversion,
  at: t.Node,
): t.Statement[] {
  const settle = t.variableDeclaration("const", [
    t.variableDeclarator(
      t.identifier(callbackName),
      t.arrowFunctionExpression(
        [typedParam("error", true), typedParam("result", true)],
        t.conditionalExpression(
          t.identifier("error"),
          t.callExpression(t.identifier("hookReject"), [t.identifier("error")]),
          t.callExpression(t.identifier("hookResolve"), [t.identifier("result")]),
        ),
      ),
    ),
  ]);
  t.addComment(
    settle,
    "leading",
    " The Hook's callback: a truthy first argument failed the Hook, otherwise the second was its response.",
    true,
  );
  // An async Hook's rejected promise fails it as a thrown error does.
  const run = isAsync
    ? [
        t.expressionStatement(
          t.callExpression(
            t.memberExpression(t.callExpression(t.arrowFunctionExpression([], t.blockStatement(body), true), []), t.identifier("catch")),
            [t.identifier("hookReject")],
          ),
        ),
      ]
    : body;
  const executor = t.arrowFunctionExpression([t.identifier("hookResolve"), t.identifier("hookReject")], t.blockStatement([settle, ...run]));
  const promise = t.newExpression(t.identifier("Promise"), [executor]);
  promise.typeParameters = t.tsTypeParameterInstantiation([t.tsAnyKeyword()]);
  const awaited = t.awaitExpression(promise);
  conv.changed(
    at,
    `${callbackName}(error, response) → the Hook body runs in a Promise its callback settles (the callback is called later or passed on)`,
  );

  const apply: t.Statement[] = [];
  if (kind.response === "access-token") {
    plan.helpers.add("setHookClaims");
    apply.push(t.expressionStatement(t.callExpression(t.identifier("setHookClaims"), [t.identifier("api"), t.identifier("hookResponse")])));
  } else if (kind.response === "registration") {
    plan.helpers.add("setHookMetadata");
    apply.push(
      t.expressionStatement(t.callExpression(t.identifier("setHookMetadata"), [t.identifier("api"), t.identifier("hookResponse")])),
    );
  }
  const hasErrorClasses = Object.keys(kind.errors).length > 0;
  if (!hasErrorClasses) {
    return apply.length > 0
      ? [t.variableDeclaration("const", [t.variableDeclarator(t.identifier("hookResponse"), awaited)]), ...apply]
      : [t.expressionStatement(awaited)];
  }
  plan.helpers.add("failAsHook");
  plan.helpers.add("errorClasses");
  const declare = t.variableDeclaration("let", [t.variableDeclarator(typedIdentifier("hookResponse", t.tsAnyKeyword()))]);
  const tryStatement = t.tryStatement(
    t.blockStatement([t.expressionStatement(t.assignmentExpression("=", t.identifier("hookResponse"), awaited))]),
    t.catchClause(
      t.identifier("error"),
      t.blockStatement([t.returnStatement(t.callExpression(t.identifier("failAsHook"), [t.identifier("api"), t.identifier("error")]))]),
    ),
  );
  return [declare, tryStatement, ...apply];
}

function typedParam(name: string, optional: boolean): t.Identifier {
  const id = typedIdentifier(name, t.tsUnknownKeyword());
  id.optional = optional;
  return id;
}

function typedIdentifier(name: string, type: t.TSType): t.Identifier {
  const id = t.identifier(name);
  id.typeAnnotation = t.tsTypeAnnotation(type);
  return id;
}
