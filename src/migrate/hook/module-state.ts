/**
 * Module-level state a Hook changes while it runs: a top-level `let`/`var` the Hook reassigns, or a
 * top-level object, array, Map or Set it writes into (`seen.push(id)`, `cache[key] = value`).
 *
 * A Hook's container could keep that state from one run to the next; the converter moves module-level
 * code into the handler, where it starts over on every execution. Moving it back to module level is
 * no fix: on Auth0's Node 22 runtime an Action's module scope is reused across executions of a deployed
 * version, so per-request state kept there carries over from one user to the next. Either way the
 * behaviour is a person's decision: every such write becomes a MIGRATION_TODO_MODULE_STATE.
 *
 * Runs on the wrapped handler after the module statements were moved into it: the first
 * `moduleStatements` statements of its body are the Hook's module level.
 */
import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { withRuleFunction } from "../ast";
import type { Conversion } from "../conversion";
import { MUTATING_METHODS } from "../mutating-methods";

const REASON =
  "module-level state the Hook changes on each run: the Hook's container could keep it between runs, while on Node 22 an Action's module scope is reused across executions and would carry it from one user to the next; it now starts over on every execution: keep per-request state inside the handler, or use api.cache for a deliberate cache";

export function flagModuleState(file: t.File, moduleStatements: number, conv: Conversion): void {
  withRuleFunction(file, (fn) => {
    const body = fn.get("body").get("body");
    const moduleLevel = new Set<t.Node>(body.slice(0, moduleStatements).map((p) => p.node));
    const writes: NodePath[] = [];
    for (const statement of body.slice(0, moduleStatements)) {
      if (!statement.isVariableDeclaration()) continue;
      for (const declarator of statement.get("declarations")) {
        const id = declarator.node.id;
        if (!t.isIdentifier(id)) continue;
        const binding = statement.scope.getBinding(id.name);
        if (!binding) continue;
        const candidates = [...binding.constantViolations.filter(isReassignment), ...binding.referencePaths.filter(isWriteThrough)];
        writes.push(...candidates.filter((p) => runsPerRequest(p, fn, moduleLevel)));
      }
    }
    // Innermost first: wrapping an outer write must not detach an inner one still to be wrapped.
    writes.sort((a, b) => (b.node.start ?? 0) - (a.node.start ?? 0));
    for (const write of writes) conv.todo(write, "MODULE_STATE", REASON, "wrap");
  });
}

/** `count = …`, `count += …`, `count++`. */
function isReassignment(path: NodePath): boolean {
  return path.isAssignmentExpression() || path.isUpdateExpression();
}

/**
 * A reference through which its object is written: `seen.push(x)`, `cache[k] = v`, `delete cache[k]`,
 * `state.n++`, `limits.perClient[id] = n` (a write anywhere down the member chain).
 */
function isWriteThrough(ref: NodePath): boolean {
  let member: NodePath = ref;
  while (member.parentPath?.isMemberExpression() && member.parentPath.node.object === member.node) member = member.parentPath;
  if (member === ref || !member.isMemberExpression()) return false;
  const outer = member.parentPath;
  if (outer?.isAssignmentExpression() && outer.node.left === member.node) return true;
  if (outer?.isUpdateExpression()) return true;
  if (outer?.isUnaryExpression({ operator: "delete" })) return true;
  const property = member.node.property;
  return (
    outer?.isCallExpression() === true &&
    outer.node.callee === member.node &&
    !member.node.computed &&
    t.isIdentifier(property) &&
    MUTATING_METHODS.has(property.name)
  );
}

/** Not a write the module makes once while it loads (directly in a module-level statement). */
function runsPerRequest(path: NodePath, fn: NodePath<t.FunctionExpression>, moduleLevel: ReadonlySet<t.Node>): boolean {
  if (path.getFunctionParent()?.node !== fn.node) return true;
  const statement = path.find((p) => p.parentPath?.node === fn.node.body);
  return !statement || !moduleLevel.has(statement.node);
}
