/**
 * Metadata writes. A Rule persisted metadata through the Management API client `auth0`:
 *   auth0.users.updateAppMetadata(user.user_id, md)   (and updateUserMetadata)
 * which merged md's top-level keys into the stored profile. An Action writes key by key:
 *   api.user.setAppMetadata(key, value)
 * What is supported, for the current user only (`user.user_id`):
 *   - md is an object literal with static keys        → one set call per key;
 *   - md is `user.app_metadata` and every change the Rule makes to it is to a static key
 *     (`user.app_metadata.k = …`, `.k.push(…)`, `delete …k`)  → one set call per changed key,
 *     reading the value the Rule left in event.user.app_metadata (the Action mutates it locally the same way);
 *   - anything else (dynamic keys, a variable, spreads) → a loop over Object.entries(md), which is
 *     exactly what the Rule sent.
 * Any other use of `auth0` (other users, searches, the Management API token) is a TODO.
 */
import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { apiCall, isGlobalRef, isParamRef, memberChain, replaceStatement, staticPropertyName, withRuleFunction } from "../ast";
import { excerpt, type Conversion } from "../conversion";
import { MUTATING_METHODS } from "../mutating-methods";

type MetadataKind = "app_metadata" | "user_metadata";

interface MetadataUsage {
  /** Keys the Rule changes, in order of first change. */
  changedKeys: string[];
  /** Why the changed keys cannot be listed statically (undefined when they can). */
  dynamicReason?: string;
}

export function convertManagementApi(file: t.File, userName: string | undefined, conv: Conversion): void {
  withRuleFunction(file, (fn) => {
    const usage = {
      app_metadata: analyzeMetadata(fn, userName, "app_metadata"),
      user_metadata: analyzeMetadata(fn, userName, "user_metadata"),
    };
    fn.traverse({
      Identifier(path) {
        if (!isGlobalRef(path, "auth0")) return;
        convertAuth0Reference(path, fn, userName, usage, conv);
      },
    });
  });
}

function convertAuth0Reference(
  path: NodePath<t.Identifier>,
  fn: NodePath<t.FunctionExpression>,
  userName: string | undefined,
  usage: Record<MetadataKind, MetadataUsage>,
  conv: Conversion,
): void {
  const chain = memberChain(path);
  const method = chain.props[0] === "users" && chain.props.length === 2 ? chain.props[1] : undefined;
  const call = chain.paths[1]?.parentPath;
  if (
    (method !== "updateAppMetadata" && method !== "updateUserMetadata") ||
    !call?.isCallExpression() ||
    call.node.callee !== chain.paths[1].node
  ) {
    conv.todo(
      path,
      "MANAGEMENT_API",
      "the auth0 Management API client is not available in Actions; use the Management API from the Action with a client's credentials in secrets, or drop the step",
    );
    return;
  }
  const [target, md] = call.node.arguments;
  if (!isCurrentUserId(target, call, fn, userName) || !t.isExpression(md) || call.node.arguments.length !== 2) {
    conv.todo(
      path,
      "MANAGEMENT_API",
      `${method} on another user (or with unexpected arguments): an Action can only change the metadata of the user logging in`,
    );
    return;
  }
  const kind: MetadataKind = method === "updateAppMetadata" ? "app_metadata" : "user_metadata";
  const writes = metadataWrites(kind, md, call, fn, userName, usage[kind], conv);
  const original = excerpt(call.node);
  const parent = call.parentPath;
  const statement = call.getStatementParent()!;
  conv.changed(
    call,
    `${original} → ${writes.length === 0 ? "nothing to write (the Rule changes no key)" : `api.user.${kind === "app_metadata" ? "setAppMetadata" : "setUserMetadata"} per key`}`,
  );
  if (parent.isExpressionStatement() || (parent.isAwaitExpression() && parent.parentPath.isExpressionStatement())) {
    replaceStatement(statement, writes);
  } else if (parent.isReturnStatement()) {
    replaceStatement(statement, [...writes, t.returnStatement()]);
  } else {
    // Used as a value (Promise.all([...]), a variable): write first, then stand in a resolved promise.
    statement.insertBefore(writes);
    call.replaceWith(t.callExpression(t.memberExpression(t.identifier("Promise"), t.identifier("resolve")), []));
  }
}

function isCurrentUserId(
  node: t.Node | undefined,
  at: NodePath,
  fn: NodePath<t.FunctionExpression>,
  userName: string | undefined,
): boolean {
  if (
    !userName ||
    !t.isMemberExpression(node) ||
    staticPropertyName(node) !== "user_id" ||
    !t.isIdentifier(node.object, { name: userName })
  )
    return false;
  const binding = at.scope.getBinding(userName);
  return binding?.kind === "param" && binding.scope.block === fn.node;
}

function metadataWrites(
  kind: MetadataKind,
  md: t.Expression,
  call: NodePath,
  fn: NodePath<t.FunctionExpression>,
  userName: string | undefined,
  usage: MetadataUsage,
  conv: Conversion,
): t.Statement[] {
  const setter = kind === "app_metadata" ? "user.setAppMetadata" : "user.setUserMetadata";
  const set = (key: string, value: t.Expression) => t.expressionStatement(apiCall(setter, [t.stringLiteral(key), value]));

  if (t.isObjectExpression(md)) {
    const keys = md.properties.map((p) => (t.isObjectProperty(p) && t.isExpression(p.value) ? propertyKey(p) : undefined));
    if (keys.every((k) => k !== undefined)) {
      return md.properties.map((p, i) => set(keys[i], (p as t.ObjectProperty).value as t.Expression));
    }
  } else if (isUserMetadata(md, kind, userName) && isParamRef(call.get("arguments.1.object"), fn, userName)) {
    if (usage.dynamicReason === undefined) {
      return usage.changedKeys.map((key) =>
        set(key, t.memberExpression(t.memberExpression(t.identifier(userName!), t.identifier(kind)), t.identifier(key))),
      );
    }
    conv.note(call, `wrote every key of ${kind}: ${usage.dynamicReason}`);
  }
  // Exactly what the Rule sent: every top-level key of md.
  const key = uniqueName(call, "key");
  const value = uniqueName(call, "value");
  return [
    t.forOfStatement(
      t.variableDeclaration("const", [t.variableDeclarator(t.arrayPattern([t.identifier(key), t.identifier(value)]))]),
      t.callExpression(t.memberExpression(t.identifier("Object"), t.identifier("entries")), [md]),
      t.expressionStatement(apiCall(setter, [t.identifier(key), t.identifier(value)])),
    ),
  ];
}

function propertyKey(p: t.ObjectProperty): string | undefined {
  if (!p.computed && t.isIdentifier(p.key)) return p.key.name;
  if (t.isStringLiteral(p.key)) return p.key.value;
  if (t.isNumericLiteral(p.key) && !p.computed) return String(p.key.value);
  return undefined;
}

function isUserMetadata(node: t.Expression, kind: MetadataKind, userName: string | undefined): boolean {
  return t.isMemberExpression(node) && t.isIdentifier(node.object, { name: userName }) && staticPropertyName(node) === kind;
}

/**
 * Which keys of user.<kind> the Rule changes. Reads are ignored (passing a value to a function
 * counts as a read); a use the converter cannot follow makes the key set dynamic.
 */
export function analyzeMetadata(fn: NodePath<t.FunctionExpression>, userName: string | undefined, kind: MetadataKind): MetadataUsage {
  const usage: MetadataUsage = { changedKeys: [] };
  const change = (key: string) => {
    if (!usage.changedKeys.includes(key)) usage.changedKeys.push(key);
  };
  fn.traverse({
    Identifier(path) {
      if (usage.dynamicReason !== undefined || !isParamRef(path, fn, userName)) return;
      const chain = memberChain(path);
      if (chain.props[0] !== kind) return;
      const whole = chain.paths[0];
      if (chain.props.length === 1) {
        if (chain.dynamic) {
          if (isChanged(chain.dynamic))
            usage.dynamicReason = `line ${path.node.loc?.start.line ?? "?"} changes a computed key (${excerpt(chain.dynamic.node)})`;
          return;
        }
        if (isMetadataDefault(whole, kind) || isUpdateArgument(whole)) return;
        if (isReadOnlyUse(whole)) return;
        usage.dynamicReason = `line ${path.node.loc?.start.line ?? "?"} uses ${kind} as a whole (${excerpt(whole.parentPath.node)})`;
        return;
      }
      const keyPath = chain.paths[1];
      const deeper = [...chain.paths.slice(1), ...(chain.dynamic ? [chain.dynamic] : [])];
      if (deeper.some(isChanged) || isAliased(keyPath)) change(chain.props[1]);
    },
  });
  return usage;
}

/** The member is assigned, updated, deleted, or has a mutating method called on it. */
function isChanged(member: NodePath): boolean {
  const parent = member.parentPath;
  if (!parent) return false;
  if (parent.isAssignmentExpression() && parent.node.left === member.node) return true;
  if (parent.isUpdateExpression()) return true;
  if (parent.isUnaryExpression({ operator: "delete" })) return true;
  if ((parent.isMemberExpression() || parent.isOptionalMemberExpression()) && parent.node.object === member.node) {
    const method = staticPropertyName(parent.node);
    const call = parent.parentPath;
    return !!method && MUTATING_METHODS.has(method) && !!call?.isCallExpression() && call.node.callee === parent.node;
  }
  return false;
}

/**
 * `const roles = user.app_metadata.roles || []` and then `roles.push(…)` changes the key through
 * another name; the converter does not follow names, so a key that is given a name counts as changed.
 */
function isAliased(member: NodePath): boolean {
  let current = member;
  while (current.parentPath?.isLogicalExpression() || current.parentPath?.isConditionalExpression()) current = current.parentPath;
  const parent = current.parentPath;
  if (!parent) return false;
  if (parent.isVariableDeclarator() && parent.node.init === current.node) return true;
  return parent.isAssignmentExpression() && parent.node.right === current.node;
}

/** `user.app_metadata = user.app_metadata || {}` (both sides). */
function isMetadataDefault(whole: NodePath, kind: MetadataKind): boolean {
  const statement = whole.getStatementParent();
  return !!statement && isMetadataDefaultStatement(statement.node, kind);
}

export function isMetadataDefaultStatement(node: t.Node, kind: string): boolean {
  if (!t.isExpressionStatement(node) || !t.isAssignmentExpression(node.expression, { operator: "=" })) return false;
  const { left, right } = node.expression;
  return (
    t.isMemberExpression(left) &&
    staticPropertyName(left) === kind &&
    t.isLogicalExpression(right, { operator: "||" }) &&
    t.isNodesEquivalent(right.left, left) &&
    t.isObjectExpression(right.right) &&
    right.right.properties.length === 0
  );
}

function isUpdateArgument(whole: NodePath): boolean {
  const call = whole.parentPath;
  return (
    !!call?.isCallExpression() &&
    call.node.arguments[1] === whole.node &&
    t.isMemberExpression(call.node.callee) &&
    t.isMemberExpression(call.node.callee.object)
  );
}

/** Reads that cannot change the object: `Object.keys(md)`, `JSON.stringify(md)`, `if (md)`, `md.x` handled elsewhere. */
function isReadOnlyUse(whole: NodePath): boolean {
  const parent = whole.parentPath;
  if (!parent) return false;
  if (parent.isIfStatement() || parent.isConditionalExpression({ test: whole.node }) || parent.isUnaryExpression({ operator: "!" }))
    return true;
  if (parent.isUnaryExpression({ operator: "typeof" })) return true;
  if (parent.isCallExpression() && parent.node.callee !== whole.node) {
    const callee = parent.node.callee;
    const name =
      t.isMemberExpression(callee) && t.isIdentifier(callee.object) ? `${callee.object.name}.${staticPropertyName(callee) ?? ""}` : "";
    return ["Object.keys", "Object.values", "Object.entries", "JSON.stringify", "Array.isArray"].includes(name);
  }
  return false;
}

function uniqueName(at: NodePath, base: string): string {
  return at.scope.hasBinding(base) ? at.scope.generateUid(base) : base;
}
