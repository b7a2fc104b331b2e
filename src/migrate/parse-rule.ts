/**
 * Reads a Rule's source the way Auth0 stored it: one function `function (user, context, callback) {…}`
 * (anonymous, so not a valid program on its own: it is parsed as an expression), or a named
 * function declaration. Errors name the file, line and column.
 */
import { parse, parseExpression } from "@babel/parser";
import * as t from "@babel/types";
import { SourceSyntaxError } from "./source-syntax-error";

export class RuleSyntaxError extends SourceSyntaxError {
  override name = "RuleSyntaxError";
}

export interface ParsedRule {
  /** The Rule function, as a function expression (a declaration is turned into one). */
  fn: t.FunctionExpression;
  /** Parameter names in Rule order: user, context, callback (any may be absent). */
  params: { user?: string; context?: string; callback?: string };
  /** The Rule was written `async function (…)`. */
  async: boolean;
  /** Comments written before the function, kept for the Action's header. */
  leadingComments: t.Comment[];
}

interface BabelSyntaxError {
  loc?: { line: number; column: number };
  reasonCode?: string;
  message: string;
}

export function parseRule(source: string, file: string): ParsedRule {
  const fn = parseAsExpression(source, file) ?? parseAsDeclaration(source, file);
  const params = fn.params.map((p, index) => {
    if (!t.isIdentifier(p)) {
      throw new RuleSyntaxError(
        file,
        p.loc?.start.line ?? 1,
        (p.loc?.start.column ?? 0) + 1,
        `parameter ${index + 1} of the Rule must be a plain name`,
      );
    }
    return p.name;
  });
  if (params.length > 3) {
    throw new RuleSyntaxError(
      file,
      fn.loc?.start.line ?? 1,
      1,
      `a Rule takes (user, context, callback); this one takes ${params.length} parameters`,
    );
  }
  // `async function (user, context, callback)` ran like any Rule (the runtime ignored the returned
  // promise and waited for callback), so it converts the same way; a generator never ran.
  if (fn.generator) {
    throw new RuleSyntaxError(
      file,
      fn.loc?.start.line ?? 1,
      1,
      "a Rule is a function (plain or async, not a generator) that calls callback",
    );
  }
  const leadingComments = fn.leadingComments ?? [];
  fn.leadingComments = null;
  return { fn, params: { user: params[0], context: params[1], callback: params[2] }, async: fn.async, leadingComments };
}

/** `function (user, context, callback) {…}` — the usual stored form. */
function parseAsExpression(source: string, file: string): t.FunctionExpression | undefined {
  let expression: t.Expression;
  try {
    expression = parseExpression(source, { sourceType: "script", attachComment: true, sourceFilename: file });
  } catch (error) {
    // Not an expression: maybe a named declaration. If that fails too, this error is the one to show
    // (the stored form is an expression), unless the source is clearly a declaration.
    if (startsWithNamedFunction(source)) return undefined;
    throw toRuleSyntaxError(error, file);
  }
  if (t.isFunctionExpression(expression)) return expression;
  if (t.isArrowFunctionExpression(expression)) {
    const body = t.isBlockStatement(expression.body) ? expression.body : t.blockStatement([t.returnStatement(expression.body)]);
    const fn = t.functionExpression(null, expression.params, body, false, expression.async);
    fn.loc = expression.loc;
    fn.leadingComments = expression.leadingComments;
    return fn;
  }
  throw new RuleSyntaxError(
    file,
    expression.loc?.start.line ?? 1,
    (expression.loc?.start.column ?? 0) + 1,
    "a Rule is one function: function (user, context, callback) { ... }",
  );
}

/** `function name(user, context, callback) {…}`, alone in the file. */
function parseAsDeclaration(source: string, file: string): t.FunctionExpression {
  let program: t.File;
  try {
    program = parse(source, { sourceType: "script", attachComment: true, sourceFilename: file });
  } catch (error) {
    throw toRuleSyntaxError(error, file);
  }
  const statements = program.program.body;
  const declaration = statements[0];
  if (statements.length !== 1 || !t.isFunctionDeclaration(declaration)) {
    const at = statements[1] ?? declaration;
    throw new RuleSyntaxError(
      file,
      at?.loc?.start.line ?? 1,
      (at?.loc?.start.column ?? 0) + 1,
      "a Rule file holds exactly one function: function (user, context, callback) { ... }",
    );
  }
  const fn = t.functionExpression(declaration.id, declaration.params, declaration.body, declaration.generator, declaration.async);
  fn.loc = declaration.loc;
  fn.leadingComments = declaration.leadingComments;
  return fn;
}

/** True when the first token after comments is `function <name>`: decided by the parser's tokens, not by pattern. */
function startsWithNamedFunction(source: string): boolean {
  try {
    const file = parse(source, { sourceType: "script", tokens: true, errorRecovery: true });
    const tokens = (file.tokens ?? []).filter((tok: { type: unknown }) => typeof tok.type === "object" && tok.type !== null) as Array<{
      type: { label: string };
    }>;
    return tokens[0]?.type.label === "function" && tokens[1]?.type.label === "name";
  } catch {
    return false;
  }
}

function toRuleSyntaxError(error: unknown, file: string): RuleSyntaxError {
  const e = error as BabelSyntaxError;
  const reason = e.message.replace(/\s*\(\d+:\d+\)$/, "");
  return new RuleSyntaxError(file, e.loc?.line ?? 1, (e.loc?.column ?? 0) + 1, `not valid JavaScript: ${reason}`);
}
