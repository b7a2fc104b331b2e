/**
 * Converted code introduces names of its own (`event`, `api`, helpers): the source's own bindings
 * of those names are renamed first, so they cannot collide with the handler's parameters.
 */
import type { NodePath } from "@babel/traverse";
import type * as t from "@babel/types";
import { withRuleFunction } from "./ast";
import type { Conversion } from "./conversion";

/**
 * Renames every binding of a `reserved` name inside the function of `file` to
 * `<what><Name>` (then `<what><Name>2`, … while taken), noting each rename. `what` names the
 * source ("Rule", "Hook"); its lowercase form is the prefix.
 */
export function renameReservedBindings(file: t.File, reserved: readonly string[], what: string, conv: Conversion): void {
  const prefix = what.toLowerCase();
  withRuleFunction(file, (fnPath) => {
    const renameIn = (path: NodePath) => {
      for (const name of reserved) {
        if (!path.scope.hasOwnBinding(name)) continue;
        const base = `${prefix}${name[0].toUpperCase()}${name.slice(1)}`;
        let renamed = base;
        for (let i = 2; path.scope.hasBinding(renamed) || reserved.includes(renamed); i++) renamed = `${base}${i}`;
        conv.note(
          path.scope.getOwnBinding(name)!.identifier,
          `renamed the ${what}'s own \`${name}\` to \`${renamed}\` (the Action uses that name)`,
        );
        path.scope.rename(name, renamed);
      }
    };
    renameIn(fnPath);
    fnPath.traverse({ Scopable: renameIn });
  });
}
