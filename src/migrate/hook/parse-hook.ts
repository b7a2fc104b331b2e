/**
 * Reads a Hook's source the way the Hooks runtime loaded it: a CommonJS module whose
 * `module.exports` is the Hook function, possibly with helpers and requires around it. The
 * module-level statements are returned apart (the converter moves them into the handler).
 * Errors name the file, line and column.
 */
import { parse } from "@babel/parser";
import * as t from "@babel/types";
import { UserFacingError } from "../../errors";

export class HookSyntaxError extends UserFacingError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = "HookSyntaxError";
  }
}

export interface ParsedHook {
  /** The Hook function as a function expression (an arrow is turned into one). */
  fn: t.FunctionExpression;
  /** Parameter names in Hook order. */
  params: string[];
  /** Statements of the module other than `module.exports = …`, in order. */
  moduleStatements: t.Statement[];
  /** Comments written before the function, kept for the Action's header. */
  leadingComments: t.Comment[];
}

export function parseHook(source: string, file: string, expectedParams: number): ParsedHook {
  let program: t.File;
  try {
    program = parse(source, { sourceType: "script", allowReturnOutsideFunction: false, sourceFilename: file, attachComment: true });
  } catch (error) {
    const e = error as { loc?: { line: number; column: number }; message: string };
    throw new HookSyntaxError(file, e.loc?.line ?? 1, (e.loc?.column ?? 0) + 1, e.message.replace(/\s*\(\d+:\d+\)$/, ""));
  }
  let fn: t.FunctionExpression | undefined;
  const moduleStatements: t.Statement[] = [];
  let leadingComments: t.Comment[] = [];
  for (const statement of program.program.body) {
    const exported = exportedFunction(statement);
    if (exported && !fn) {
      fn = exported;
      leadingComments = statement.leadingComments ?? [];
      statement.leadingComments = null;
    } else {
      moduleStatements.push(statement);
    }
  }
  if (!fn)
    throw new HookSyntaxError(
      file,
      1,
      1,
      "a Hook is a module whose `module.exports` is its function: module.exports = function (...) { ... }",
    );
  const params = fn.params.map((p, index) => {
    if (!t.isIdentifier(p))
      throw new HookSyntaxError(
        file,
        p.loc?.start.line ?? 1,
        (p.loc?.start.column ?? 0) + 1,
        `parameter ${index + 1} of the Hook must be a plain name`,
      );
    return p.name;
  });
  if (params.length > expectedParams) {
    throw new HookSyntaxError(
      file,
      fn.loc?.start.line ?? 1,
      1,
      `this Hook type takes ${expectedParams} parameters (the last one the callback); this function takes ${params.length}`,
    );
  }
  if (fn.generator)
    throw new HookSyntaxError(file, fn.loc?.start.line ?? 1, 1, "a Hook is a function that calls its callback, not a generator");
  return { fn, params, moduleStatements, leadingComments };
}

/** `module.exports = function (…) {…}` (or an arrow function), as a function expression. */
function exportedFunction(statement: t.Statement): t.FunctionExpression | undefined {
  if (!t.isExpressionStatement(statement) || !t.isAssignmentExpression(statement.expression, { operator: "=" })) return undefined;
  const { left, right } = statement.expression;
  if (
    !t.isMemberExpression(left) ||
    !t.isIdentifier(left.object, { name: "module" }) ||
    !t.isIdentifier(left.property, { name: "exports" })
  )
    return undefined;
  if (t.isFunctionExpression(right)) return right;
  if (t.isArrowFunctionExpression(right)) {
    const body = t.isBlockStatement(right.body) ? right.body : t.blockStatement([t.returnStatement(right.body)]);
    const fn = t.functionExpression(null, right.params, body, false, right.async);
    fn.loc = right.loc;
    return fn;
  }
  return undefined;
}
