/**
 * The globals of the Rules runtime:
 *   configuration.X        → event.secrets.X (renamed to UPPER_SNAKE_CASE when needed; see mapping.ts)
 *   require('pkg@1.2.3')   → a top-level `const pkg = require("pkg")` and a dependency {pkg: 1.2.3}
 *   new UnauthorizedError(m) outside callback(...) → new Error(m)
 *   global, globalThis, an assignment to a name the Rule never declares (a sloppy-mode global)
 *                          → TODO: on Node 22 an Action's globals and module scope are reused across
 *                            executions, so what a Rule kept there would leak from one user to the next
 */
import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { eventPath, isGlobalRef, memberChain, withRuleFunction } from "../ast";
import { excerpt, type Conversion } from "../conversion";
import { secretNameFor } from "../mapping";
import { isBuiltinModule, parsePackageSpec } from "../packages";
import { RULES_MODULE_VERSIONS } from "../rules-modules";

/** Exact versions only: Auth0 installs exactly what the Action declares (and tenant files accept nothing else). */
const EXACT_VERSION = /^\d+\.\d+\.\d+([-+][\w.]+)?$/;

export function convertGlobals(file: t.File, conv: Conversion): void {
  withRuleFunction(file, (fn) => {
    fn.traverse({
      Identifier(path) {
        if (isGlobalRef(path, "configuration")) return convertConfiguration(path, conv);
        if (isGlobalRef(path, "global") || isGlobalRef(path, "globalThis")) return conv.todo(path, "GLOBAL", GLOBAL_REASON);
        if (isImplicitGlobalWrite(path)) return conv.todo(path, "GLOBAL", IMPLICIT_GLOBAL_REASON);
        if (isGlobalRef(path, "UnauthorizedError")) return convertUnauthorizedError(path, conv);
      },
      CallExpression(path) {
        const callee = path.get("callee");
        if (isGlobalRef(callee, "require")) convertRequire(path, fn, conv);
      },
    });
  });
}

const GLOBAL_REASON =
  "Rules' `global` kept values between logins; in a Node 22 Action, globals and module scope are reused across executions of a deployed version, so state kept there leaks from one login (one user) to the next: keep per-request state inside the handler; for a deliberate cache use api.cache, for fixed values a module-level constant or a secret";
const IMPLICIT_GLOBAL_REASON =
  "assigns a name the Rule never declares, which made it a global: in a Node 22 Action, globals are reused across executions and would leak from one login (one user) to the next: declare it inside the handler (const/let), or use api.cache for a deliberate cache";

/** `seen = …` or `count++` on an identifier nothing declares (sloppy mode made it a property of the global object). */
function isImplicitGlobalWrite(path: NodePath<t.Identifier>): boolean {
  const parent = path.parentPath;
  const written =
    (parent?.isAssignmentExpression() && parent.node.left === path.node) ||
    (parent?.isUpdateExpression() && parent.node.argument === path.node);
  // Only names from the Rule's source: identifiers the converter generates carry no position.
  return written === true && path.node.loc !== undefined && path.node.loc !== null && !path.scope.getBinding(path.node.name);
}

function convertConfiguration(path: NodePath<t.Identifier>, conv: Conversion): void {
  const chain = memberChain(path);
  const key = chain.props[0];
  const member = chain.paths[0];
  if (key === undefined) {
    conv.todo(
      chain.dynamic ?? path,
      "CONFIGURATION",
      "configuration is read with a computed key or as a whole; name each secret explicitly (configuration.NAME) so the Action can declare it",
    );
    return;
  }
  const parent = member.parentPath;
  if ((parent?.isAssignmentExpression() && parent.node.left === member.node) || parent?.isUpdateExpression()) {
    conv.todo(member, "CONFIGURATION", "configuration values cannot be changed by an Action (event.secrets is read-only configuration)");
    return;
  }
  const secret = secretNameFor(key);
  conv.secrets.set(key, secret);
  conv.changed(member, `configuration.${key} → event.secrets.${secret}`);
  member.replaceWith(
    eventPath([
      { name: "secrets", optional: false },
      { name: secret, optional: false },
    ]),
  );
  member.skip();
}

function convertUnauthorizedError(path: NodePath<t.Identifier>, conv: Conversion): void {
  const parent = path.parentPath;
  if (parent.isNewExpression() && parent.node.callee === path.node) {
    conv.changed(parent, `${excerpt(parent.node)} → new Error(...) (api.access.deny takes the message)`);
    path.replaceWith(t.identifier("Error"));
    return;
  }
  conv.todo(path, "UNAUTHORIZED_ERROR", "UnauthorizedError does not exist in Actions; deny with api.access.deny(message)");
}

function convertRequire(call: NodePath<t.CallExpression>, fn: NodePath<t.FunctionExpression>, conv: Conversion): void {
  const [arg] = call.node.arguments;
  const spec = t.isStringLiteral(arg)
    ? arg.value
    : t.isTemplateLiteral(arg) && arg.expressions.length === 0
      ? arg.quasis[0].value.cooked
      : undefined;
  if (call.node.arguments.length !== 1 || spec === undefined) {
    conv.todo(call, "REQUIRE", "require with a computed module name: Action dependencies must be declared by name");
    return;
  }
  const { name, version: inRule } = parsePackageSpec(spec);
  const builtin = isBuiltinModule(name);
  const override = conv.options.dependencyVersions?.[name];
  // A version named in the Rule wins, then --dependency, then what the Rules runtime provided.
  const fromRuntime = inRule === undefined && override === undefined && !builtin ? RULES_MODULE_VERSIONS[name] : undefined;
  const version = inRule ?? override ?? fromRuntime?.version;
  if (fromRuntime) {
    conv.note(
      call,
      `require('${name}') names no version: assumed ${name}@${fromRuntime.version}, the version the Rules runtime provided (Auth0's Rules modules list: ${fromRuntime.documented}); pass --dependency ${name}@<version> to choose another`,
    );
  }
  let needsVersion: string | undefined;
  if (!builtin) {
    if (version === undefined)
      needsVersion = `require('${name}') names no version and is not a module the Rules runtime provided; pin one in the Rule (require('${name}@1.2.3')) or pass --dependency ${name}@<version>`;
    else if (!EXACT_VERSION.test(version))
      needsVersion = `require('${spec}'): "${version}" is not an exact version (x.y.z); Auth0 installs exactly the declared version`;
    else conv.dependencies.set(name, version);
  }
  const moduleCall = t.callExpression(t.identifier("require"), [t.stringLiteral(name)]);
  const required = needsVersion ? t.callExpression(t.identifier("MIGRATION_TODO_DEPENDENCY_VERSION"), [moduleCall]) : moduleCall;

  const declarator = call.parentPath;
  const declaration = declarator.parentPath;
  if (
    declarator.isVariableDeclarator() &&
    declarator.node.init === call.node &&
    declaration?.isVariableDeclaration() &&
    declaration.parentPath.node === fn.node.body &&
    declaration.node.declarations.length === 1
  ) {
    const reassigned = Object.keys(declarator.getBindingIdentifiers()).some(
      (n) => (declarator.scope.getBinding(n)?.constantViolations.length ?? 0) > 0,
    );
    const moved = t.variableDeclaration(reassigned ? "let" : "const", [t.variableDeclarator(declarator.node.id, required)]);
    t.addComments(moved, "leading", declaration.node.leadingComments ?? []);
    // A statement before a redirect-callback branch is converted in both handlers: declare it once.
    if (!conv.moduleRequires.some((r) => t.isNodesEquivalent(r.declaration, moved)))
      conv.moduleRequires.push({ packageName: name, declaration: moved });
    conv.changed(
      call,
      `require('${spec}') → top-level require("${name}")${builtin ? " (Node built-in)" : version && !needsVersion ? ` + dependency ${name}@${version}` : ""}`,
    );
    if (needsVersion) recordVersionTodo(call, needsVersion, conv, moved);
    declaration.remove();
    return;
  }
  const existing = conv.moduleRequires.find(
    (r) => r.packageName === name && t.isVariableDeclaration(r.declaration) && t.isIdentifier(r.declaration.declarations[0].id),
  );
  const ident = existing
    ? ((existing.declaration as t.VariableDeclaration).declarations[0].id as t.Identifier).name
    : uniqueModuleName(call, name, conv);
  if (!existing)
    conv.moduleRequires.push({
      packageName: name,
      declaration: t.variableDeclaration("const", [t.variableDeclarator(t.identifier(ident), required)]),
    });
  conv.changed(
    call,
    `require('${spec}') → top-level const ${ident} = require("${name}")${builtin ? " (Node built-in)" : version && !needsVersion ? ` + dependency ${name}@${version}` : ""}`,
  );
  if (needsVersion && !existing)
    recordVersionTodo(call, needsVersion, conv, conv.moduleRequires[conv.moduleRequires.length - 1].declaration);
  call.replaceWith(t.identifier(ident));
}

function recordVersionTodo(at: NodePath, reason: string, conv: Conversion, declaration: t.Statement): void {
  const line = at.node.loc?.start.line ?? 0;
  conv.todos.push({ line, marker: "MIGRATION_TODO_DEPENDENCY_VERSION", message: reason });
  t.addComment(declaration, "leading", ` MIGRATION_TODO_DEPENDENCY_VERSION (Rule line ${line}): ${reason}`, true);
}

function uniqueModuleName(at: NodePath, packageName: string, conv: Conversion): string {
  const base = packageName
    .replace(/^node:/, "")
    .split("/")
    .pop()!
    .replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""))
    .replace(/^[^A-Za-z_]+/, "");
  const taken = (name: string) =>
    at.scope.hasBinding(name) ||
    ["event", "api", "callbackResults", "scopeList"].includes(name) ||
    conv.moduleRequires.some(
      (r) =>
        t.isVariableDeclaration(r.declaration) && Object.keys(t.getBindingIdentifiers(r.declaration.declarations[0].id)).includes(name),
    );
  let name = base || "dependency";
  for (let i = 2; taken(name); i++) name = `${base || "dependency"}${i}`;
  return name;
}
