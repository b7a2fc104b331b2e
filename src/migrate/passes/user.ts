/**
 * `user.*` → `event.user.*` for the fields the post-login event carries. The Rules idiom
 * `user.app_metadata = user.app_metadata || {}` is dropped: event.user.app_metadata is always an
 * object. Fields event.user does not have (user.logins_count, user.permissions, IdP attributes
 * at the root, …) are TODOs, not silent `undefined`s.
 */
import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { isParamRef, memberChain, withRuleFunction } from "../ast";
import { excerpt, type Conversion } from "../conversion";
import { USER_FIELDS, USER_FIELDS_WITHOUT_EQUIVALENT } from "../mapping";
import { isMetadataDefaultStatement } from "./metadata";

export function convertUser(file: t.File, userName: string | undefined, conv: Conversion): void {
  if (!userName) return;
  withRuleFunction(file, (fn) => {
    fn.traverse({
      ExpressionStatement(statement) {
        const { node } = statement;
        const target =
          t.isAssignmentExpression(node.expression) && t.isMemberExpression(node.expression.left) ? node.expression.left.object : undefined;
        if (!t.isIdentifier(target, { name: userName }) || !isParamRef(statement.get("expression.left.object"), fn, userName)) return;
        if (isMetadataDefaultStatement(node, "app_metadata") || isMetadataDefaultStatement(node, "user_metadata")) {
          conv.changed(statement, `removed ${excerpt(node)} (event.user.app_metadata and user_metadata are always objects)`);
          statement.remove();
        }
      },
    });
    fn.traverse({
      Identifier(path) {
        if (isParamRef(path, fn, userName)) convertUserReference(path, conv);
      },
    });
  });
}

function convertUserReference(path: NodePath<t.Identifier>, conv: Conversion): void {
  const chain = memberChain(path);
  const field = chain.props[0];
  if (field !== undefined && !USER_FIELDS.has(field)) {
    const reason = USER_FIELDS_WITHOUT_EQUIVALENT[field] ?? `user.${field} is not a field of event.user in post-login Actions`;
    conv.todo(chain.paths[0], `USER_${field.replace(/[^A-Za-z0-9]/g, "_").toUpperCase()}`, reason);
    return;
  }
  conv.changed(path, "user → event.user");
  path.replaceWith(t.memberExpression(t.identifier("event"), t.identifier("user")));
  path.skip();
}
