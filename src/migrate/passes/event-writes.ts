/**
 * Writes to the event. A Rule could change `user` and `context` (a changed `user.picture` or
 * `user.name` went into this login's tokens with callback(null, user, context)); in an Action the
 * event is read-only data, so the same write changes nothing Auth0 keeps. After the user and
 * context passes every such write reads `event.…`: each one left is a MIGRATION_TODO, never a
 * silent no-op. The mapped writes (claims, scopes, MFA, redirect, primary user) were already
 * turned into api calls; changes inside user.app_metadata / user_metadata are the metadata pass's
 * (kept locally and mirrored with api.user.set*Metadata).
 */
import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { staticPropertyName, withRuleFunction } from "../ast";
import { excerpt, type Conversion } from "../conversion";
import { MUTATING_METHODS } from "../mutating-methods";

const USER_REASON =
  "the Rule changes the user object; in Rules the change went into this login's tokens and later Rules, but event.user is read-only in Actions: set a custom claim (api.idToken.setCustomClaim), or persist with api.user.setAppMetadata/setUserMetadata";
const CONTEXT_REASON =
  "the Rule changes a context field that has no Action api call; event is read-only in Actions, so the write would change nothing";

export function convertEventWrites(file: t.File, conv: Conversion): void {
  withRuleFunction(file, (fn) => {
    fn.traverse({
      AssignmentExpression(path) {
        const target = eventTarget(path.get("left"));
        if (target) flag(path, target, conv, path.get("right"));
      },
      UpdateExpression(path) {
        const target = eventTarget(path.get("argument"));
        if (target) flag(path, target, conv, path.get("argument"));
      },
      UnaryExpression(path) {
        if (path.node.operator !== "delete") return;
        const target = eventTarget(path.get("argument"));
        if (target) flag(path, target, conv, path.get("argument"));
      },
      CallExpression(path) {
        const callee = path.get("callee");
        // event.user.identities.push(…), Object.assign(event.user, …)
        if (callee.isMemberExpression() && MUTATING_METHODS.has(staticPropertyName(callee.node) ?? "")) {
          const target = eventTarget(callee.get("object"), true);
          if (target) flag(path, target, conv);
        } else if (callee.matchesPattern("Object.assign") || callee.matchesPattern("Object.defineProperty")) {
          const first = path.get("arguments.0") as NodePath;
          const target = first.node ? eventTarget(first, true) : undefined;
          if (target) flag(path, target, conv);
        }
      },
    });
  });
}

/** The event path written (["user", "picture"]), or undefined when the target is not the event (or is metadata content). */
function eventTarget(path: NodePath, whole = false): string[] | undefined {
  const props: string[] = [];
  let node: t.Node = path.node;
  while (t.isMemberExpression(node) || t.isOptionalMemberExpression(node)) {
    props.unshift(staticPropertyName(node) ?? "[…]");
    node = node.object;
  }
  if (!t.isIdentifier(node, { name: "event" }) || path.scope.getBinding("event")) return undefined;
  if (props.length === 0 && !whole) return undefined;
  const inMetadata =
    props[0] === "user" &&
    (props[1] === "app_metadata" || props[1] === "user_metadata") &&
    (props.length >= 3 || (whole && props.length === 2));
  return inMetadata ? undefined : props;
}

/**
 * The write becomes MIGRATION_TODO_<USER|CONTEXT>_WRITE(<what it used>): the assigned value, the
 * target of `delete`/`++`, or a mutating call's arguments, so nothing the Rule evaluated is lost
 * from sight, and the file fails type-checking until someone decides.
 */
function flag(path: NodePath, target: string[], conv: Conversion, keep?: NodePath<t.Expression>): void {
  const isUser = target[0] === "user";
  const shown = excerpt(path.node);
  const marker = isUser ? "USER_WRITE" : "CONTEXT_WRITE";
  if (keep) path.replaceWith(t.cloneNode(keep.node));
  else if (path.isCallExpression())
    path.replaceWith(t.arrayExpression(path.node.arguments.filter((a): a is t.Expression => t.isExpression(a))));
  conv.todo(path, marker, isUser ? USER_REASON : CONTEXT_REASON, "wrap", shown);
}
