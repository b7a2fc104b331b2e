/**
 * The Hook-specific conversion passes, each on the Hook function (wrapped as in the Rule
 * converter, so scopes are rebuilt per pass):
 *   params   client / user / scope / audience / recipient / text → event fields (hook-types.ts),
 *            or a local rebuilt from the event when the Hook uses the object as a whole
 *   context  context.webtask.secrets.X → event.secrets.X; context.<field> → event.<field>
 *   scope    (credentials exchange) the token's scopes: kept only when provably unchanged
 * Anything without a row in the table becomes a MIGRATION_TODO_* reference.
 */
import { parseExpression } from "@babel/parser";
import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { eventPath, isParamRef, memberChain, withRuleFunction } from "../ast";
import { excerpt, type Conversion } from "../conversion";
import { pathSegments, secretNameFor } from "../mapping";
import { longestField, type EventSource, type HookKind, type HookParam } from "./hook-types";

/** A statement the handler runs before the Hook's body (a local rebuilt from the event). */
export interface Preamble {
  statements: t.Statement[];
}

/** The event expression a table row stands for: a member chain, or the row's own expression. */
function sourceExpr(source: EventSource): t.Expression {
  return typeof source === "string" ? eventPath(pathSegments(source)) : parseExpression(source.expression);
}

/** How a rewrite is reported: "event.user.email", or the expression and why it has that form. */
function describeSource(source: EventSource): string {
  return typeof source === "string" ? `event.${source.replace(/\?/g, "")}` : `${source.expression} (${source.why})`;
}

function isWriteTarget(path: NodePath): boolean {
  const parent = path.parentPath;
  if (!parent) return false;
  if (parent.isAssignmentExpression() && parent.node.left === path.node) return true;
  if (parent.isUpdateExpression()) return true;
  if (parent.isUnaryExpression({ operator: "delete" })) return true;
  return false;
}

export function convertParams(
  file: t.File,
  kind: HookKind,
  names: readonly (string | undefined)[],
  conv: Conversion,
  preamble: Preamble,
): void {
  kind.params.forEach((param, index) => {
    const name = names[index];
    if (name) convertParam(file, param, name, conv, preamble);
  });
}

function convertParam(file: t.File, param: HookParam, name: string, conv: Conversion, preamble: Preamble): void {
  withRuleFunction(file, (fn) => {
    const binding = fn.scope.getBinding(name);
    if (!binding || binding.kind !== "param") return;
    const references = binding.referencePaths.filter((p) => isParamRef(p, fn, name));
    const reassigned = binding.constantViolations.length > 0;
    if (references.length === 0 && !reassigned) return;

    if (param.value !== undefined) {
      if (param.local || reassigned) {
        preamble.statements.push(
          t.variableDeclaration(reassigned ? "let" : "const", [t.variableDeclarator(t.identifier(name), parseExpression(param.value))]),
        );
        conv.changed(
          references[0] ?? binding.identifier,
          `${name} (the Hook's ${param.role}) → a local from ${excerpt(parseExpression(param.value))}`,
        );
      } else {
        for (const ref of references) {
          conv.changed(ref, `${name} → ${param.value}`);
          ref.replaceWith(parseExpression(param.value));
        }
      }
      return;
    }

    const fields = param.fields ?? {};
    // A whole-object use (passed on, stored in a response, spread) needs the object itself.
    const needsLocal = reassigned || references.some((ref) => memberChain(ref).props.length === 0);
    const rewrites: Array<() => void> = [];
    for (const ref of references) {
      const chain = memberChain(ref);
      if (chain.props.length === 0) continue;
      const found = longestField(fields, chain.props);
      if (!found) {
        const shown = chain.paths[0];
        const why =
          param.missing && Object.prototype.hasOwnProperty.call(param.missing, chain.props[0]) ? param.missing[chain.props[0]] : undefined;
        conv.todo(
          shown,
          `${param.role.toUpperCase()}_FIELD`,
          `the Hook's ${param.role}.${chain.props[0]} has no equivalent in the Action's event (${why ?? "no row in the Hook → Action table"})`,
        );
        continue;
      }
      if (needsLocal) continue;
      const at = chain.paths[found.length - 1];
      if (isWriteTarget(at) && found.length === chain.props.length) {
        // Writing the Hook's own argument changed nothing outside it; the event is read-only input.
        conv.todo(
          at,
          `${param.role.toUpperCase()}_WRITE`,
          `the Hook assigns ${param.role}.${chain.props.slice(0, found.length).join(".")}; the Action's event is input only (use the api to change the outcome)`,
        );
        continue;
      }
      rewrites.push(() => {
        conv.changed(at, `${name}.${chain.props.slice(0, found.length).join(".")} → ${describeSource(found.target)}`);
        at.replaceWith(sourceExpr(found.target));
      });
    }
    for (const rewrite of rewrites) rewrite();
    if (needsLocal) {
      const object = t.objectExpression(
        Object.entries(fields).map(([key, target]) => t.objectProperty(t.identifier(key), sourceExpr(target))),
      );
      preamble.statements.push(t.variableDeclaration(reassigned ? "let" : "const", [t.variableDeclarator(t.identifier(name), object)]));
      conv.changed(
        binding.identifier,
        `${name} (the Hook's ${param.role}) → a local object rebuilt from the event (${Object.keys(fields).join(", ")})`,
      );
      // Said where the object leaves the Hook's hands whole (a response merges only metadata; an HTTP body would lose them).
      const missing = Object.keys(param.missing ?? {});
      if (missing.length > 0)
        conv.note(
          binding.identifier,
          `the rebuilt ${name} has no ${missing.join(", ")}: the Hook's ${param.role} had them, the Action's event does not`,
        );
    }
  });
}

export function convertContext(file: t.File, kind: HookKind, name: string | undefined, conv: Conversion): void {
  if (!name) return;
  withRuleFunction(file, (fn) => {
    const binding = fn.scope.getBinding(name);
    if (!binding || binding.kind !== "param") return;
    for (const violation of binding.constantViolations) conv.todo(violation, "CONTEXT", "the Hook reassigns its context argument");
    for (const ref of binding.referencePaths.filter((p) => isParamRef(p, fn, name))) {
      const chain = memberChain(ref);
      const props = chain.props;
      if (props[0] === "webtask") {
        if (props[1] === "secrets" && props.length >= 3) {
          const at = chain.paths[2];
          if (isWriteTarget(at)) {
            conv.todo(at, "SECRETS", "secrets cannot be changed by an Action (event.secrets is read-only configuration)");
            continue;
          }
          const secret = secretNameFor(props[2]);
          conv.secrets.set(props[2], secret);
          conv.changed(at, `${name}.webtask.secrets.${props[2]} → event.secrets.${secret}`);
          at.replaceWith(
            eventPath([
              { name: "secrets", optional: false },
              { name: secret, optional: false },
            ]),
          );
          continue;
        }
        if (props[1] === "secrets") {
          conv.todo(
            chain.dynamic ?? chain.paths[1],
            "SECRETS",
            "secrets are read with a computed key or as a whole; name each secret (context.webtask.secrets.NAME) so the Action can declare it",
          );
          continue;
        }
        conv.todo(
          chain.paths[0],
          "WEBTASK",
          `context.webtask${props[1] ? `.${props[1]}` : ""} (webtask storage, meta, …) has no Action equivalent; Actions keep no state between runs (api.cache is best effort)`,
        );
        continue;
      }
      if (props[0] === "storage") {
        conv.todo(
          chain.paths[0],
          "STORAGE",
          "webtask storage (context.storage) kept data between runs; Actions keep none (api.cache is best effort and expires): use your own store",
        );
        continue;
      }
      if (props.length === 0) {
        conv.todo(
          ref,
          "CONTEXT",
          "the Hook uses its whole context object; the Action's event is shaped differently: read the fields it needs from event",
        );
        continue;
      }
      const found = longestField(kind.context, props);
      if (!found) {
        conv.todo(
          chain.paths[0],
          "CONTEXT",
          `context.${props[0]} has no equivalent in the ${kind.trigger} event (no row in the Hook → Action table)`,
        );
        continue;
      }
      const at = chain.paths[found.length - 1];
      conv.changed(at, `${name}.${props.slice(0, found.length).join(".")} → ${describeSource(found.target)}`);
      at.replaceWith(sourceExpr(found.target));
    }
  });
}

const MUTATING_ARRAY_METHODS = new Set(["push", "pop", "shift", "unshift", "splice", "sort", "reverse", "fill", "copyWithin", "length"]);
const READING_ARRAY_MEMBERS = new Set([
  "length",
  "includes",
  "indexOf",
  "join",
  "some",
  "every",
  "find",
  "filter",
  "map",
  "slice",
  "forEach",
  "concat",
  "toString",
]);

/**
 * Credentials exchange: the token carried the `scope` of the Hook's response (the template's
 * "required line" `access_token.scope = scope`). An Action cannot change an M2M token's scopes,
 * so the conversion is exact only when every response keeps the granted scopes unchanged.
 * Returns the statements to drop (`x.scope = scope`, now implicit).
 */
export function checkScopes(file: t.File, scopeName: string | undefined, callbackName: string | undefined, conv: Conversion): void {
  withRuleFunction(file, (fn) => {
    // The names of responses that copy the granted scopes (`x.scope = scope`, `const x = { scope }`).
    const keepers = new Set<string>();
    checkGrantedScopesOnlyRead(fn, scopeName, keepers, conv);
    checkNoScopeChanged(fn, scopeName, keepers, conv);
    if (callbackName) checkResponsesKeepScopes(fn, callbackName, keepers, conv);
  });
}

/** 1. Every use of the granted scopes must only read them, or copy them into a response's scope (recorded in `keepers`). */
function checkGrantedScopesOnlyRead(
  fn: NodePath<t.FunctionExpression>,
  scopeName: string | undefined,
  keepers: Set<string>,
  conv: Conversion,
): void {
  const scopeBinding = scopeName ? fn.scope.getBinding(scopeName) : undefined;
  if (!scopeBinding || !scopeName) return;
  for (const ref of scopeBinding.referencePaths.filter((p) => isParamRef(p, fn, scopeName))) {
    const parent = ref.parentPath;
    if (
      parent.isAssignmentExpression({ operator: "=" }) &&
      parent.node.right === ref.node &&
      t.isMemberExpression(parent.node.left) &&
      t.isIdentifier(parent.node.left.object) &&
      memberName(parent.node.left) === "scope"
    ) {
      keepers.add(parent.node.left.object.name);
      continue;
    }
    if (parent.isObjectProperty() && parent.node.value === ref.node && propertyKey(parent.node) === "scope") continue;
    if ((parent.isMemberExpression() || parent.isOptionalMemberExpression()) && parent.node.object === ref.node) {
      const member = parent.node.computed ? (t.isNumericLiteral(parent.node.property) ? "[index]" : undefined) : memberName(parent.node);
      if (member && (member === "[index]" || READING_ARRAY_MEMBERS.has(member)) && !isWriteTarget(parent)) continue;
    }
    if (
      parent.isIfStatement() ||
      parent.isLogicalExpression() ||
      parent.isConditionalExpression() ||
      parent.isUnaryExpression({ operator: "!" }) ||
      parent.isUnaryExpression({ operator: "typeof" })
    )
      continue;
    if (
      parent.isCallExpression() &&
      t.isMemberExpression(parent.node.callee) &&
      t.isIdentifier(parent.node.callee.object, { name: "Array" })
    )
      continue;
    conv.todo(
      ref,
      "SCOPE",
      `the Hook hands the granted scopes on (${excerpt(parent.node)}); an Action cannot change the scopes of a machine-to-machine token`,
      "wrap",
    );
  }
}

/** 2. No response may set or change a scope other than by copying the granted scopes (an object copying them is recorded in `keepers`). */
function checkNoScopeChanged(
  fn: NodePath<t.FunctionExpression>,
  scopeName: string | undefined,
  keepers: Set<string>,
  conv: Conversion,
): void {
  fn.traverse({
    MemberExpression(path) {
      if (memberName(path.node) !== "scope") return;
      const parent = path.parentPath;
      if (parent.isAssignmentExpression() && parent.node.left === path.node) {
        if (scopeName && t.isIdentifier(parent.node.right, { name: scopeName }) && parent.node.operator === "=") return;
        conv.todo(
          parent.get("right"),
          "SCOPE",
          "the Hook sets the token's scopes; an Action cannot change the scopes of a machine-to-machine token (grant them to the application instead)",
          "wrap",
        );
        return;
      }
      if ((parent.isMemberExpression() || parent.isOptionalMemberExpression()) && parent.node.object === path.node) {
        const member = memberName(parent.node);
        if (member && MUTATING_ARRAY_METHODS.has(member)) {
          conv.todo(
            parent,
            "SCOPE",
            `the Hook changes the token's scopes (.scope.${member}); an Action cannot change the scopes of a machine-to-machine token`,
            "wrap",
          );
        }
      }
    },
    ObjectProperty(path) {
      if (propertyKey(path.node) !== "scope" || !t.isObjectExpression(path.parent)) return;
      if (scopeName && t.isIdentifier(path.node.value, { name: scopeName })) {
        const declarator = path.parentPath.parentPath;
        if (declarator?.isVariableDeclarator() && t.isIdentifier(declarator.node.id)) keepers.add(declarator.node.id.name);
        return;
      }
      conv.todo(
        path.get("value"),
        "SCOPE",
        "the Hook's response sets the token's scopes; an Action cannot change the scopes of a machine-to-machine token",
        "wrap",
      );
    },
  });
}

/** 3. A response without `scope` gave a token without scopes; an Action keeps them: not the same. */
function checkResponsesKeepScopes(
  fn: NodePath<t.FunctionExpression>,
  callbackName: string,
  keepers: ReadonlySet<string>,
  conv: Conversion,
): void {
  const cbBinding = fn.scope.getBinding(callbackName);
  fn.traverse({
    CallExpression(path) {
      const callee = path.node.callee;
      if (!t.isIdentifier(callee)) return;
      const isHookCallback = callee.name === callbackName && path.scope.getBinding(callbackName) === cbBinding;
      // A helper's parameter the callback was passed to (`callback(null, accessToken)`).
      const isPassedCallback =
        !isHookCallback && path.scope.getBinding(callee.name)?.kind === "param" && looksLikeCallbackName(callee.name);
      if (!isHookCallback && !isPassedCallback) return;
      const [first, second] = path.node.arguments;
      const noError = first === undefined || t.isNullLiteral(first) || t.isIdentifier(first, { name: "undefined" });
      if (!second) {
        if (noError)
          conv.todo(
            path,
            "SCOPE",
            "this success has no response: the Hook's token carried no scopes, while an Action's token keeps the granted ones",
            "wrap",
          );
        return;
      }
      if (t.isObjectExpression(second) && second.properties.some((p) => t.isObjectProperty(p) && propertyKey(p) === "scope")) return;
      if (t.isIdentifier(second) && keepers.has(second.name)) return;
      conv.todo(
        path.get("arguments.1"),
        "SCOPE",
        "this response has no `scope = <granted scopes>`: the Hook's token carried only the response's scopes, while an Action's token keeps the granted ones",
        "wrap",
      );
    },
  });
}

function looksLikeCallbackName(name: string): boolean {
  return /^(cb|callback|done|next)$/i.test(name);
}

function memberName(node: t.MemberExpression | t.OptionalMemberExpression): string | undefined {
  if (!node.computed && t.isIdentifier(node.property)) return node.property.name;
  if (t.isStringLiteral(node.property)) return node.property.value;
  return undefined;
}

function propertyKey(node: t.ObjectProperty): string | undefined {
  if (t.isIdentifier(node.key) && !node.computed) return node.key.name;
  if (t.isStringLiteral(node.key)) return node.key.value;
  return undefined;
}
