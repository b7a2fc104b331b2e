/**
 * Small AST helpers shared by the conversion passes: finding the Rule function in its wrapper
 * file, reading member chains such as `context.request.geoip.country_code`, telling the Rule's
 * own parameters and Rule globals apart from same-named locals, and statement surgery.
 */
import traverse, { type NodePath } from "@babel/traverse";
import * as t from "@babel/types";

/** A file whose only statement is the Rule function (as an expression), so passes can traverse it with scopes. */
export function wrapFunction(fn: t.FunctionExpression): t.File {
  return t.file(t.program([t.expressionStatement(fn)]));
}

/**
 * Runs `visit` with a fresh path to the Rule function. Scope information is rebuilt for every
 * pass (the cache is cleared), so one pass's rewrites never leave another with stale bindings.
 */
export function withRuleFunction(file: t.File, visit: (fn: NodePath<t.FunctionExpression>) => void): void {
  traverse.cache.clear();
  traverse(file, {
    Program(program) {
      const fn = program.get("body.0.expression") as NodePath<t.FunctionExpression>;
      visit(fn);
      program.stop();
    },
  });
}

/** The property name of a member expression when it is static: `a.b`, `a["b"]`, `` a[`b`] ``. */
export function staticPropertyName(member: t.MemberExpression | t.OptionalMemberExpression): string | undefined {
  const p = member.property;
  if (!member.computed) return t.isIdentifier(p) ? p.name : undefined;
  if (t.isStringLiteral(p)) return p.value;
  if (t.isTemplateLiteral(p) && p.expressions.length === 0) return p.quasis[0].value.cooked ?? undefined;
  return undefined;
}

export interface MemberChain {
  /** Static property names after the root, outermost last: ["request", "geoip", "country_code"]. */
  props: string[];
  /** paths[i] is the member expression ending in props[i]. */
  paths: NodePath<t.MemberExpression | t.OptionalMemberExpression>[];
  /** The member expression right after the static part when its property is computed: `context.idToken[key]`. */
  dynamic?: NodePath<t.MemberExpression | t.OptionalMemberExpression>;
}

/** Walks outwards from `root` through member expressions whose object is the previous step. */
export function memberChain(root: NodePath): MemberChain {
  const chain: MemberChain = { props: [], paths: [] };
  let current: NodePath = root;
  for (;;) {
    const parent = current.parentPath;
    if (!parent || !(parent.isMemberExpression() || parent.isOptionalMemberExpression()) || parent.node.object !== current.node)
      return chain;
    const name = staticPropertyName(parent.node);
    if (name === undefined) {
      chain.dynamic = parent;
      return chain;
    }
    chain.props.push(name);
    chain.paths.push(parent);
    current = parent;
  }
}

/** True when `path` reads or writes the Rule function's own parameter `name` (not a same-named local). */
export function isParamRef(path: NodePath, fn: NodePath<t.FunctionExpression>, name: string | undefined): path is NodePath<t.Identifier> {
  if (!name || !path.isIdentifier({ name }) || !path.isReferencedIdentifier()) return false;
  const binding = path.scope.getBinding(name);
  return binding?.kind === "param" && binding.scope.block === fn.node;
}

/** True when `path` refers to a Rules global such as `configuration` or `auth0` (no local of that name). */
export function isGlobalRef(path: NodePath, name: string): path is NodePath<t.Identifier> {
  return path.isIdentifier({ name }) && path.isReferencedIdentifier() && !path.scope.getBinding(name);
}

/** Replaces one statement by several, adding a block where the position holds a single statement (`if (x) …`). */
export function replaceStatement(path: NodePath, statements: t.Statement[]): void {
  if (Array.isArray(path.container)) {
    if (statements.length === 0) path.remove();
    else path.replaceWithMultiple(statements);
  } else {
    path.replaceWith(statements.length === 1 ? statements[0] : t.blockStatement(statements));
  }
}

/**
 * True when nothing in the Rule function runs after `statement`: each enclosing block ends with
 * it (hoisted function declarations may follow) or continues with a bare `return;`, up to the
 * function body, through `if` branches and try/catch blocks.
 */
export function isTailPosition(statement: NodePath, fn: NodePath<t.FunctionExpression>): boolean {
  let current: NodePath = statement;
  for (;;) {
    const parent = current.parentPath;
    if (!parent) return false;
    if (parent.isBlockStatement()) {
      const rest = parent.node.body.slice((current.key as number) + 1).filter((s) => !t.isFunctionDeclaration(s) && !t.isEmptyStatement(s));
      if (t.isReturnStatement(rest[0]) && !rest[0].argument) return true;
      if (rest.length > 0) return false;
      if (parent.parentPath?.node === fn.node) return true;
      current = parent;
      continue;
    }
    if (parent.isIfStatement() && current.key !== "test") {
      current = parent;
      continue;
    }
    if ((parent.isTryStatement() && current.key === "block") || parent.isCatchClause()) {
      current = parent.isCatchClause() ? parent.parentPath : parent;
      continue;
    }
    return false;
  }
}

/** True when the statement list always leaves the function: ends in return, throw, or a callback call. */
export function alwaysExits(statements: readonly t.Statement[], callbackName: string | undefined): boolean {
  const last = statements[statements.length - 1];
  if (!last) return false;
  if (t.isReturnStatement(last) || t.isThrowStatement(last)) return true;
  if (t.isBlockStatement(last)) return alwaysExits(last.body, callbackName);
  if (t.isIfStatement(last)) {
    const branch = (s: t.Statement | null | undefined) => (s ? alwaysExits(t.isBlockStatement(s) ? s.body : [s], callbackName) : false);
    return branch(last.consequent) && branch(last.alternate);
  }
  return (
    callbackName !== undefined &&
    t.isExpressionStatement(last) &&
    t.isCallExpression(last.expression) &&
    t.isIdentifier(last.expression.callee, { name: callbackName })
  );
}

/** Names a statement list declares at its own level (what would clash if the list were inlined). */
export function declaredNames(statements: readonly t.Statement[]): string[] {
  const names: string[] = [];
  for (const s of statements) {
    if (t.isVariableDeclaration(s)) for (const d of s.declarations) names.push(...Object.keys(t.getBindingIdentifiers(d.id)));
    if ((t.isFunctionDeclaration(s) || t.isClassDeclaration(s)) && s.id) names.push(s.id.name);
  }
  return names;
}

/** `event.a.b` from "a.b"; segments marked optional ("transaction?") are followed by `?.`. */
export function eventPath(segments: ReadonlyArray<{ name: string; optional: boolean }>, root = "event"): t.Expression {
  let expr: t.Expression = t.identifier(root);
  let previousOptional = false;
  let inOptionalChain = false;
  for (const { name, optional } of segments) {
    if (previousOptional || inOptionalChain) {
      expr = t.optionalMemberExpression(expr, t.identifier(name), false, previousOptional);
      inOptionalChain = true;
    } else {
      expr = t.memberExpression(expr, t.identifier(name));
    }
    previousOptional = optional;
  }
  return expr;
}

/** `api.a.b(args)`. */
export function apiCall(path: string, args: t.Expression[]): t.CallExpression {
  const [first, ...rest] = path.split(".");
  let callee: t.Expression = t.memberExpression(t.identifier("api"), t.identifier(first));
  for (const segment of rest) callee = t.memberExpression(callee, t.identifier(segment));
  return t.callExpression(callee, args);
}
