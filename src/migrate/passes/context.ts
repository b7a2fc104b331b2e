/**
 * `context.*`: reads become `event.*` through the documented table (src/migrate/mapping.ts);
 * the fields a Rule wrote to shape the login become api calls:
 *   context.idToken[k] = v / context.accessToken[k] = v  → api.idToken / api.accessToken.setCustomClaim(k, v)
 *   context.accessToken.scope = list                     → api.accessToken.removeScope / addScope (the difference)
 *   context.multifactor = { provider, allowRememberBrowser } → api.multifactor.enable(provider, { allowRememberBrowser })
 *   context.redirect = { url }                           → api.redirect.sendUserTo(url)
 *   context.primaryUser = id                             → api.authentication.setPrimaryUser(id)
 * Everything else (context.sso, context.connectionOptions, reading a claim back, unknown fields)
 * is left as a MIGRATION_TODO_CONTEXT_* marker.
 */
import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { apiCall, eventPath, isParamRef, memberChain, replaceStatement, withRuleFunction } from "../ast";
import { excerpt, type Conversion } from "../conversion";
import { CONTEXT_FIELDS_WITHOUT_EQUIVALENT, contextMappingFor, contextObjectFor, pathSegments } from "../mapping";

export function convertContext(file: t.File, contextName: string | undefined, conv: Conversion): void {
  if (!contextName) return;
  withRuleFunction(file, (fn) => {
    fn.traverse({
      Identifier(path) {
        if (isParamRef(path, fn, contextName)) convertContextReference(path, conv);
      },
    });
  });
}

function convertContextReference(path: NodePath<t.Identifier>, conv: Conversion): void {
  const chain = memberChain(path);
  const [field] = chain.props;
  if (field === undefined) {
    conv.todo(
      chain.dynamic ?? path,
      "CONTEXT",
      "the Rule's context object as a whole has no Action equivalent; pass event (or the fields needed) instead",
    );
    return;
  }
  if (field === "idToken" || field === "accessToken") return convertToken(field, chain, path, conv);
  if (field === "multifactor" || field === "redirect" || field === "primaryUser") return convertLoginSetting(field, chain, conv);

  const mapped = contextMappingFor(chain.props);
  if (mapped) {
    const target = chain.paths[mapped.length - 1];
    if (field === "protocol" && comparesWithRedirectCallback(target)) {
      conv.todo(
        target,
        "REDIRECT",
        "a redirect-callback check that is not a top-level `if (context.protocol === 'redirect-callback')` of the Rule; move the code after the redirect into exports.onContinuePostLogin",
      );
      return;
    }
    let replacement: t.Expression = eventPath(pathSegments(mapped.mapping.action));
    if (mapped.mapping.fallback === "[]") replacement = t.logicalExpression("??", replacement, t.arrayExpression([]));
    if (mapped.mapping.convert) {
      conv.helpers.add(mapped.mapping.convert);
      replacement = t.callExpression(t.identifier(mapped.mapping.convert), [replacement]);
    }
    conv.changed(target, `context.${mapped.mapping.rule} → event.${mapped.mapping.action.replace(/\?$/, "")}`);
    target.replaceWith(replacement);
    target.skip();
    return;
  }
  // `if (context.request.geoip && …)`: an object shaped differently in Actions, only tested for presence.
  for (let length = chain.props.length; length > 0; length--) {
    const container = contextObjectFor(chain.props.slice(0, length));
    const target = chain.paths[length - 1];
    if (container && isTruthinessTest(target)) {
      conv.changed(
        target,
        `context.${chain.props.slice(0, length).join(".")} (tested for presence) → event.${container.replace(/\?/g, "")}`,
      );
      target.replaceWith(eventPath(pathSegments(container)));
      target.skip();
      return;
    }
  }
  const reason = CONTEXT_FIELDS_WITHOUT_EQUIVALENT[field] ?? `context.${field} is not a field the Actions event has an equivalent for`;
  conv.todo(chain.paths[0], `CONTEXT_${constantCase(field)}`, reason);
}

/** Used only for its truthiness: an if/ternary test, a `!` operand, or the left side of `&&`. */
function isTruthinessTest(path: NodePath): boolean {
  const parent = path.parentPath;
  if (!parent) return false;
  if (parent.isIfStatement() || parent.isWhileStatement()) return parent.node.test === path.node;
  if (parent.isConditionalExpression()) return parent.node.test === path.node;
  if (parent.isUnaryExpression({ operator: "!" })) return true;
  return parent.isLogicalExpression({ operator: "&&" }) && parent.node.left === path.node;
}

/** `context.idToken[k] = v`, `context.accessToken.k = v`, `context.accessToken.scope = …`. */
function convertToken(token: "idToken" | "accessToken", chain: ReturnType<typeof memberChain>, path: NodePath, conv: Conversion): void {
  const marker = token === "idToken" ? "ID_TOKEN" : "ACCESS_TOKEN";
  let claim: NodePath | undefined;
  let name: t.Expression | undefined;
  if (chain.props.length >= 2) {
    claim = chain.paths[1];
    name = t.stringLiteral(chain.props[1]);
  } else if (chain.dynamic) {
    claim = chain.dynamic;
    name = chain.dynamic.node.property as t.Expression;
  }
  if (!claim || !name) {
    conv.todo(chain.paths[0] ?? path, marker, `context.${token} as a whole has no Action equivalent; set claims one at a time`);
    return;
  }
  if (token === "accessToken" && chain.props[1] === "scope") return convertScopes(claim, conv);
  const assignment = claim.parentPath;
  if (
    !assignment?.isAssignmentExpression({ operator: "=" }) ||
    assignment.node.left !== claim.node ||
    !assignment.parentPath.isExpressionStatement()
  ) {
    conv.todo(
      claim,
      marker,
      `only \`context.${token}[name] = value\` as a statement converts (to api.${token}.setCustomClaim); reading a claim back or changing part of one has no Action equivalent`,
    );
    return;
  }
  conv.changed(assignment, `${excerpt(claim.node)} = … → api.${token}.setCustomClaim(…)`);
  replaceStatement(assignment.parentPath, [t.expressionStatement(apiCall(`${token}.setCustomClaim`, [name, assignment.node.right]))]);
}

/**
 * `context.accessToken.scope = X`. Rules took a space-separated string or an array and replaced
 * the granted scopes with it; the Action removes every requested scope not in X and adds the rest.
 */
function convertScopes(scope: NodePath, conv: Conversion): void {
  const assignment = scope.parentPath;
  if (
    !assignment?.isAssignmentExpression({ operator: "=" }) ||
    assignment.node.left !== scope.node ||
    !assignment.parentPath.isExpressionStatement()
  ) {
    conv.todo(
      scope,
      "SCOPES",
      "only assigning context.accessToken.scope converts; read requested scopes from context.request.query.scope (event.transaction.requested_scopes) and change them with api.accessToken.addScope/removeScope",
    );
    return;
  }
  conv.helpers.add("scopeList");
  const granted = t.identifier(scope.scope.hasBinding("grantedScopes") ? scope.scope.generateUid("grantedScopes") : "grantedScopes");
  const requested = () => t.logicalExpression("??", eventPath(pathSegments("transaction?.requested_scopes")), t.arrayExpression([]));
  const item = t.identifier("scope");
  const loop = (over: t.Expression, unless: t.Expression, call: string) =>
    t.forOfStatement(
      t.variableDeclaration("const", [t.variableDeclarator(t.cloneNode(item))]),
      over,
      t.ifStatement(
        t.unaryExpression("!", t.callExpression(t.memberExpression(unless, t.identifier("includes")), [t.cloneNode(item)])),
        t.expressionStatement(apiCall(call, [t.cloneNode(item)])),
      ),
    );
  conv.changed(
    assignment,
    "context.accessToken.scope = … → api.accessToken.removeScope/addScope for the difference with the requested scopes",
  );
  replaceStatement(assignment.parentPath, [
    t.variableDeclaration("const", [t.variableDeclarator(granted, t.callExpression(t.identifier("scopeList"), [assignment.node.right]))]),
    loop(requested(), t.cloneNode(granted), "accessToken.removeScope"),
    loop(t.cloneNode(granted), requested(), "accessToken.addScope"),
  ]);
}

/** `context.multifactor = {…}`, `context.redirect = {…}`, `context.primaryUser = id`. */
function convertLoginSetting(
  field: "multifactor" | "redirect" | "primaryUser",
  chain: ReturnType<typeof memberChain>,
  conv: Conversion,
): void {
  const member = chain.paths[0];
  const assignment = member.parentPath;
  const marker = field === "multifactor" ? "MULTIFACTOR" : field === "redirect" ? "REDIRECT" : "PRIMARY_USER";
  if (
    chain.props.length > 1 ||
    !assignment?.isAssignmentExpression({ operator: "=" }) ||
    assignment.node.left !== member.node ||
    !assignment.parentPath.isExpressionStatement()
  ) {
    conv.todo(
      member,
      marker,
      `only assigning context.${field} as a statement converts; reading or changing it in place has no Action equivalent`,
    );
    return;
  }
  const value = assignment.node.right;
  const statement = assignment.parentPath;
  if (field === "primaryUser") {
    conv.changed(statement, "context.primaryUser = … → api.authentication.setPrimaryUser(…)");
    replaceStatement(statement, [t.expressionStatement(apiCall("authentication.setPrimaryUser", [value]))]);
    return;
  }
  const props = objectLiteralProps(value);
  if (!props) {
    conv.todo(member, marker, `context.${field} must be assigned an object literal with plain keys to convert`);
    return;
  }
  if (field === "multifactor") {
    const unknown = Object.keys(props).filter((k) => k !== "provider" && k !== "allowRememberBrowser" && !MFA_PROVIDER_OPTIONS.includes(k));
    if (!props.provider || unknown.length > 0) {
      conv.todo(
        member,
        marker,
        unknown.length > 0
          ? `context.multifactor option(s) ${unknown.join(", ")} have no api.multifactor.enable equivalent`
          : "context.multifactor without a provider",
      );
      return;
    }
    // Duo's settings (ikey, skey, host, username) sat next to the provider in Rules; Actions take them as providerOptions.
    const providerOptions = MFA_PROVIDER_OPTIONS.filter((k) => props[k]).map((k) => t.objectProperty(t.identifier(k), props[k]));
    const optionProps = [
      ...(props.allowRememberBrowser ? [t.objectProperty(t.identifier("allowRememberBrowser"), props.allowRememberBrowser)] : []),
      ...(providerOptions.length > 0 ? [t.objectProperty(t.identifier("providerOptions"), t.objectExpression(providerOptions))] : []),
    ];
    const options = optionProps.length > 0 ? [t.objectExpression(optionProps)] : [];
    conv.changed(
      statement,
      `context.multifactor = {…} → api.multifactor.enable(provider${optionProps.length > 0 ? `, { ${optionProps.map((p) => (p.key as t.Identifier).name).join(", ")} }` : ""})`,
    );
    replaceStatement(statement, [t.expressionStatement(apiCall("multifactor.enable", [props.provider, ...options]))]);
    return;
  }
  const unknown = Object.keys(props).filter((k) => k !== "url");
  if (!props.url || unknown.length > 0) {
    conv.todo(
      member,
      marker,
      unknown.length > 0
        ? `context.redirect option(s) ${unknown.join(", ")} have no api.redirect.sendUserTo equivalent`
        : "context.redirect without a url",
    );
    return;
  }
  conv.changed(statement, "context.redirect = { url } → api.redirect.sendUserTo(url)");
  replaceStatement(statement, [t.expressionStatement(apiCall("redirect.sendUserTo", [props.url]))]);
}

/** Rules' context.multifactor keys that api.multifactor.enable takes as options.providerOptions (Duo's). */
const MFA_PROVIDER_OPTIONS = ["ikey", "skey", "host", "username"];

function objectLiteralProps(node: t.Expression): Record<string, t.Expression> | undefined {
  if (!t.isObjectExpression(node)) return undefined;
  const props: Record<string, t.Expression> = {};
  for (const p of node.properties) {
    if (!t.isObjectProperty(p) || !t.isExpression(p.value)) return undefined;
    const key = !p.computed && t.isIdentifier(p.key) ? p.key.name : t.isStringLiteral(p.key) ? p.key.value : undefined;
    if (key === undefined) return undefined;
    props[key] = p.value;
  }
  return props;
}

function comparesWithRedirectCallback(member: NodePath): boolean {
  const parent = member.parentPath;
  if (!parent?.isBinaryExpression() || !["===", "==", "!==", "!="].includes(parent.node.operator)) return false;
  const other = parent.node.left === member.node ? parent.node.right : parent.node.left;
  return t.isStringLiteral(other, { value: "redirect-callback" });
}

function constantCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toUpperCase();
}
