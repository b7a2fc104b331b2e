/**
 * Type-checks a converted handler with the project's own compiler options (strict,
 * noUnusedLocals/Parameters, noImplicitReturns), in memory, as if it were
 * actions/post-login/<name>.ts, so the real ../types/post-login-v3 types apply.
 *
 * Rules are untyped JavaScript, so a faithful conversion meets the strict checker in
 * predictable places: metadata values are `unknown`, optional event fields may be undefined,
 * helper functions have untyped parameters. Those diagnostics are repaired with edits that do not
 * change behaviour (`as any`, `!`, `: any`, `_` before an unused parameter, `?` on a parameter the
 * Rule called with fewer arguments), located by the compiler's own syntax tree; the loop repeats
 * until nothing repairable is left. Whatever remains is reported as a type error.
 * References to MIGRATION_TODO_* are never repaired: they are meant to fail.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ts from "typescript";
import { REPO_ROOT } from "../paths";
import { RULE_LINE_COMMENT, TODO_PREFIX } from "./conversion";
import { MUTATING_METHODS } from "./mutating-methods";

export interface TypeProblem {
  line: number;
  column: number;
  code: number;
  message: string;
}

export interface CheckResult {
  /** The code after repairs (formatted). */
  code: string;
  /** Diagnostics other than the intended MIGRATION_TODO_* ones. */
  problems: TypeProblem[];
  /** Intended failures: references to MIGRATION_TODO_* markers. */
  todoReferences: number;
  /** What the repairs did, counted by kind, e.g. {"cast to any": 3}. */
  repairs: Record<string, number>;
  /** Deny reasons not known to be strings, left as MIGRATION_TODO_DENY_REASON(…). */
  denyReasons: Array<{ ruleLine: number; code: string }>;
}

export const DENY_REASON_MARKER = `${TODO_PREFIX}DENY_REASON`;

const MAX_ROUNDS = 12;

let compilerOptions: ts.CompilerOptions | undefined;
const sourceFileCache = new Map<string, ts.SourceFile>();
let previousProgram: ts.Program | undefined;

/** The project's tsconfig.json options, for one file (Node types only: an Action has no jest globals). */
function options(): ts.CompilerOptions {
  if (compilerOptions) return compilerOptions;
  const configPath = join(REPO_ROOT, "tsconfig.json");
  const config = ts.readConfigFile(configPath, (p) => readFileSync(p, "utf8"));
  if (config.error) throw new Error(`${configPath}: ${ts.flattenDiagnosticMessageText(config.error.messageText, " ")}`);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, REPO_ROOT);
  compilerOptions = { ...parsed.options, types: ["node"], noEmit: true };
  return compilerOptions;
}

function createProgram(fileName: string, text: string): ts.Program {
  const opts = options();
  const base = ts.createCompilerHost(opts, true);
  const host: ts.CompilerHost = {
    ...base,
    fileExists: (f) => f === fileName || base.fileExists(f),
    readFile: (f) => (f === fileName ? text : base.readFile(f)),
    getSourceFile(f, languageVersion) {
      if (f === fileName) return ts.createSourceFile(f, text, languageVersion, true);
      // Library and type files never change during a run: reuse them (and their binding) across checks.
      let cached = sourceFileCache.get(f);
      if (!cached) {
        cached = base.getSourceFile(f, languageVersion);
        if (cached) sourceFileCache.set(f, cached);
      }
      return cached;
    },
  };
  const program = ts.createProgram({ rootNames: [fileName], options: opts, host, oldProgram: previousProgram });
  previousProgram = program;
  return program;
}

function diagnosticsOf(program: ts.Program, fileName: string): ts.Diagnostic[] {
  const sourceFile = program.getSourceFile(fileName)!;
  return [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)];
}

function isTodoDiagnostic(d: ts.Diagnostic): boolean {
  return (
    (d.code === 2304 || d.code === 2552 || d.code === 2663) && ts.flattenDiagnosticMessageText(d.messageText, " ").includes(TODO_PREFIX)
  );
}

export function handlerFileName(handler: string): string {
  return join(REPO_ROOT, "actions", "post-login", `${handler}.ts`);
}

/** Type-checks `code` as actions/post-login/<handler>.ts; repairs what a strict checker rejects in untyped Rule code. */
export async function checkAndRepair(code: string, handler: string, format: (code: string) => Promise<string>): Promise<CheckResult> {
  const fileName = handlerFileName(handler);
  const repairs: Record<string, number> = {};
  let current = code;
  for (let round = 0; ; round++) {
    const program = createProgram(fileName, current);
    const diagnostics = diagnosticsOf(program, fileName);
    const sourceFile = program.getSourceFile(fileName)!;
    const real = diagnostics.filter((d) => !isTodoDiagnostic(d) && !isMarkedDenyReason(d, sourceFile));
    // A deny reason the checker cannot prove is a string is never repaired (a cast would hide what
    // the Rule did with a non-string error): it is marked for a person to decide.
    const denyEdits = markDenyReasons(real, sourceFile);
    const edits =
      denyEdits.length > 0 ? denyEdits : round < MAX_ROUNDS ? planRepairs(real, sourceFile, program.getTypeChecker(), repairs) : [];
    if (edits.length === 0) {
      const denyReasons = markedDenyReasons(sourceFile);
      const cleanup = ruleLineComments(sourceFile);
      return {
        // Removing comments changes no type: the diagnostics stay valid.
        code: cleanup.length > 0 ? await format(applyEdits(current, cleanup)) : current,
        problems: real.map((d) => toProblem(d, sourceFile)),
        todoReferences: diagnostics.length - real.length,
        repairs,
        denyReasons,
      };
    }
    current = await format(applyEdits(current, edits));
  }
}

/**
 * `node` when it is the argument of `api.access.deny(…)` (what the checker reports when the reason
 * is not a string). Diagnostics inside the argument are repaired like any other.
 */
function denyArgument(node: ts.Node): ts.Expression | undefined {
  let n: ts.Node = node;
  while (ts.isParenthesizedExpression(n.parent)) n = n.parent;
  const call = n.parent;
  if (
    !call ||
    !ts.isCallExpression(call) ||
    !call.arguments.includes(n as ts.Expression) ||
    !ts.isPropertyAccessExpression(call.expression)
  )
    return undefined;
  const callee = call.expression;
  const isDeny =
    callee.name.text === "deny" &&
    ts.isPropertyAccessExpression(callee.expression) &&
    callee.expression.name.text === "access" &&
    ts.isIdentifier(callee.expression.expression) &&
    callee.expression.expression.text === "api";
  return isDeny ? (n as ts.Expression) : undefined;
}

function isMarkedDenyReason(d: ts.Diagnostic, sf: ts.SourceFile): boolean {
  if (d.start === undefined || d.length === undefined || d.file !== sf) return false;
  const node = nodeAt(sf, d.start, d.start + d.length);
  const argument = node && denyArgument(node);
  return (
    !!argument && ts.isCallExpression(argument) && ts.isIdentifier(argument.expression) && argument.expression.text === DENY_REASON_MARKER
  );
}

function markDenyReasons(diagnostics: ts.Diagnostic[], sf: ts.SourceFile): Edit[] {
  const edits: Edit[] = [];
  const seen = new Set<number>();
  for (const d of diagnostics) {
    if (d.start === undefined || d.length === undefined || d.file !== sf) continue;
    const node = nodeAt(sf, d.start, d.start + d.length);
    const argument = node && denyArgument(node);
    if (!argument || seen.has(argument.getStart(sf))) continue;
    seen.add(argument.getStart(sf));
    const statement = ancestor(argument, (n): n is ts.Statement => ts.isStatement(n));
    const line = ruleLineAfter(argument, sf);
    const comment = `// ${DENY_REASON_MARKER}${line ? ` (Rule line ${line})` : ""}: the Rule failed the login with a value that is not known to be a string (Rules accepted any error and showed its text); api.access.deny takes the message itself: decide what users should see, e.g. String(value).\n`;
    if (statement) edits.push({ pos: statement.getStart(sf), text: comment, order: -1 });
    edits.push({ pos: argument.getStart(sf), text: `${DENY_REASON_MARKER}(`, order: 0 }, { pos: argument.getEnd(), text: ")", order: 0 });
  }
  return edits;
}

function markedDenyReasons(sf: ts.SourceFile): Array<{ ruleLine: number; code: string }> {
  const found: Array<{ ruleLine: number; code: string }> = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === DENY_REASON_MARKER && node.arguments[0]) {
      found.push({ ruleLine: ruleLineAfter(node, sf) ?? 0, code: node.arguments[0].getText(sf) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** `/* Rule line 12 *\/` → 12; anything else → undefined. */
function ruleLineOf(comment: string): number | undefined {
  if (!comment.startsWith("/*") || !comment.endsWith("*/")) return undefined;
  const words = comment.slice(2, -2).trim().split(" ");
  const line = Number(words.pop());
  return words.join(" ") === RULE_LINE_COMMENT && Number.isInteger(line) && line > 0 ? line : undefined;
}

/** The Rule line the converter left in a comment right after `node` (see passes/callbacks.ts). */
function ruleLineAfter(node: ts.Node, sf: ts.SourceFile): number | undefined {
  for (const range of ts.getTrailingCommentRanges(sf.text, node.getEnd()) ?? []) {
    const line = ruleLineOf(sf.text.slice(range.pos, range.end));
    if (line !== undefined) return line;
  }
  return undefined;
}

/** Edits removing every Rule-line comment (with the space before it) once the check no longer needs them. */
function ruleLineComments(sf: ts.SourceFile): Edit[] {
  const edits: Edit[] = [];
  const visit = (node: ts.Node) => {
    for (const range of ts.getTrailingCommentRanges(sf.text, node.getEnd()) ?? []) {
      if (ruleLineOf(sf.text.slice(range.pos, range.end)) !== undefined && !edits.some((e) => e.pos === node.getEnd()))
        edits.push({ pos: node.getEnd(), text: "", remove: range.end - node.getEnd(), order: 0 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edits;
}

function toProblem(d: ts.Diagnostic, sourceFile: ts.SourceFile): TypeProblem {
  const { line, character } = d.start !== undefined ? sourceFile.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
  return { line: line + 1, column: character + 1, code: d.code, message: ts.flattenDiagnosticMessageText(d.messageText, " ") };
}

interface Edit {
  pos: number;
  text: string;
  /** Characters removed at pos (before inserting text). */
  remove?: number;
  /** Among edits at the same position, higher orders end up later in the text. */
  order: number;
}

/** The edits planned so far: each repair counted by kind, and made once per place however many diagnostics ask for it. */
class RepairPlan {
  readonly edits: Edit[] = [];
  private readonly seen = new Set<string>();

  constructor(
    readonly sf: ts.SourceFile,
    private readonly counts: Record<string, number>,
  ) {}

  add(kind: string, key: string, ...newEdits: Edit[]): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    this.edits.push(...newEdits);
  }

  castToAny(node: ts.Node): void {
    this.add(
      "cast to any",
      `cast:${node.getStart(this.sf)}:${node.getEnd()}`,
      { pos: node.getStart(this.sf), text: "(", order: 0 },
      { pos: node.getEnd(), text: " as any)", order: 0 },
    );
  }

  nonNull(node: ts.Node): void {
    this.add("non-null assertion", `nonnull:${node.getEnd()}`, { pos: node.getEnd(), text: "!", order: 0 });
  }

  anyParam(p: ts.ParameterDeclaration): void {
    if (p.type) return;
    const rest = p.dotDotDotToken ? "[]" : "";
    this.add("parameter typed any", `param:${p.getStart(this.sf)}`, {
      pos: (p.questionToken ?? p.name).getEnd(),
      text: `: any${rest}`,
      order: 2,
    });
  }

  anyVariable(d: ts.VariableDeclaration): void {
    if (!d.type) this.add("variable typed any", `var:${d.getStart(this.sf)}`, { pos: d.name.getEnd(), text: ": any", order: 2 });
  }

  anyReturn(fn: ts.SignatureDeclaration): void {
    if (fn.type || !ts.isFunctionLike(fn)) return;
    const close = fn.getChildren(this.sf).find((child) => child.kind === ts.SyntaxKind.CloseParenToken);
    if (!close) return;
    this.add("return typed any", `ret:${fn.getStart(this.sf)}`, { pos: close.getEnd(), text: ": any", order: 0 });
  }
}

function planRepairs(diagnostics: ts.Diagnostic[], sf: ts.SourceFile, checker: ts.TypeChecker, counts: Record<string, number>): Edit[] {
  const plan = new RepairPlan(sf, counts);
  for (const d of diagnostics) {
    if (d.start === undefined || d.length === undefined || d.file !== sf) continue;
    const node = nodeAt(sf, d.start, d.start + d.length);
    if (!node || denyArgument(node)) continue;
    // Each diagnostic code belongs to one of these.
    repairImplicitAny(plan, d.code, node, checker);
    repairUnusedOrMissing(plan, d.code, node, checker);
    repairTypeMismatch(plan, d.code, node, checker);
  }
  return plan.edits;
}

/** Implicit `any`: the declaration gets the `any` the JavaScript had. */
function repairImplicitAny(plan: RepairPlan, code: number, node: ts.Node, checker: ts.TypeChecker): void {
  switch (code) {
    case 7006: // Parameter implicitly has an 'any' type.
    case 7019: // Rest parameter implicitly has an 'any[]' type.
    case 7031: {
      // Binding element implicitly has an 'any' type.
      const param = ancestor(node, ts.isParameter);
      if (param) plan.anyParam(param);
      break;
    }
    case 7034: // Variable implicitly has type 'any' in some locations.
    case 7022: {
      const declaration = ancestor(node, ts.isVariableDeclaration);
      if (declaration) plan.anyVariable(declaration);
      break;
    }
    case 7005: {
      // Variable implicitly has an 'any[]' type (at a use): type its declaration.
      const declaration = checker.getSymbolAtLocation(node)?.declarations?.find(ts.isVariableDeclaration);
      if (declaration && declaration.getSourceFile() === plan.sf) plan.anyVariable(declaration);
      break;
    }
    case 7023: // Function implicitly has return type 'any' because it is referenced in its own return expressions.
    case 7024:
    case 7030: {
      // Not all code paths return a value.
      const fn = ancestor(node, (n): n is ts.SignatureDeclaration => ts.isFunctionLike(n));
      if (fn) plan.anyReturn(fn);
      break;
    }
  }
}

/** An unused name (prefixed with `_`, or dropped when nothing observable goes with it), and arguments JavaScript let a call leave out. */
function repairUnusedOrMissing(plan: RepairPlan, code: number, node: ts.Node, checker: ts.TypeChecker): void {
  const sf = plan.sf;
  switch (code) {
    case 6133: {
      // Declared but never read: an unused parameter gets the `_` that marks it as intended.
      const param = ancestor(node, ts.isParameter);
      if (param && ts.isIdentifier(param.name) && param.name === node) {
        plan.add("unused parameter prefixed with _", `unused:${node.getStart(sf)}`, { pos: node.getStart(sf), text: "_", order: 0 });
        break;
      }
      // An unused constant whose value has no side effect (e.g. one shared by both entry points
      // but read by only one of them) is removed: nothing observable goes with it.
      const declaration = node.parent;
      const statement = declaration?.parent?.parent;
      if (
        ts.isVariableDeclaration(declaration) &&
        declaration.name === node &&
        ts.isVariableDeclarationList(declaration.parent) &&
        declaration.parent.declarations.length === 1 &&
        statement &&
        ts.isVariableStatement(statement) &&
        (!declaration.initializer || isSideEffectFree(declaration.initializer)) &&
        // Never read, but maybe written (`user = response.user`): removing it would break the write.
        !(ts.isIdentifier(declaration.name) && hasOtherReferences(declaration.name, sf, checker))
      ) {
        plan.add("unused side-effect-free variable removed", `drop:${statement.getStart(sf)}`, {
          pos: statement.getStart(sf),
          text: "",
          remove: statement.getEnd() - statement.getStart(sf),
          order: 0,
        });
      }
      break;
    }
    case 2554: {
      // Expected N arguments, but got M: JavaScript allowed fewer; make the missing parameters optional.
      const call = ancestor(node, (n): n is ts.CallExpression => ts.isCallExpression(n));
      const declaration = call ? checker.getResolvedSignature(call)?.declaration : undefined;
      if (call && declaration && !ts.isJSDocSignature(declaration) && declaration.getSourceFile() === sf) {
        declaration.parameters.slice(call.arguments.length).forEach((p) => {
          if (!p.questionToken && !p.initializer && !p.dotDotDotToken)
            plan.add("parameter made optional", `opt:${p.getStart(sf)}`, { pos: p.name.getEnd(), text: "?", order: 1 });
        });
      }
      break;
    }
  }
}

/** A value whose type does not fit where it is used: a non-null assertion, or a cast to any at the narrowest place. */
function repairTypeMismatch(plan: RepairPlan, code: number, node: ts.Node, checker: ts.TypeChecker): void {
  switch (code) {
    case 18048: // 'x' is possibly 'undefined'.
    case 18047:
    case 18049:
    case 2531:
    case 2532:
    case 2533:
      if (ts.isExpression(node)) plan.nonNull(node);
      break;
    case 2339: {
      // Property does not exist on type: read it from an untyped view of the object.
      const access = node.parent;
      // `event.user.identities.push(…)`: the read-only event has no mutating methods, on purpose.
      if (ts.isPropertyAccessExpression(access) && access.name === node && !isReadonlyMutation(access, checker))
        plan.castToAny(access.expression);
      break;
    }
    case 2464: {
      // A computed property name whose type may be undefined (`{ [user.email]: … }`): JavaScript
      // turns any value into a key, so a cast (no runtime change) says so.
      const computed = ancestor(node, ts.isComputedPropertyName);
      if (computed) plan.castToAny(computed.expression);
      break;
    }
    case 7053: {
      const access = ancestor(node, ts.isElementAccessExpression);
      if (access) plan.castToAny(access.expression);
      break;
    }
    case 2365: // Operator cannot be applied to types.
    case 2367: {
      // Comparison between types with no overlap.
      const binary = ancestor(node, ts.isBinaryExpression);
      if (binary) for (const side of [binary.left, binary.right]) if (!isLiteral(side)) plan.castToAny(side);
      break;
    }
    case 2322: {
      // Type is not assignable.
      const parent = node.parent;
      if (ts.isBinaryExpression(parent) && parent.left === node) plan.castToAny(parent.right);
      else if (ts.isVariableDeclaration(parent) && parent.initializer) plan.castToAny(parent.initializer);
      else if (ts.isReturnStatement(parent) && parent.expression) plan.castToAny(parent.expression);
      else if (ts.isExpression(node) && !isLiteral(node)) plan.castToAny(node);
      break;
    }
    case 2769: {
      // No overload matches this call.
      const call = ts.isCallExpression(node) || ts.isNewExpression(node) ? node : undefined;
      if (call) {
        for (const arg of call.arguments ?? []) if (!isLiteral(arg)) plan.castToAny(arg);
      } else if (ts.isExpression(node)) {
        plan.castToAny(node);
      }
      break;
    }
    case 18046: // 'x' is of type 'unknown'.
    case 2571: // Object is of type 'unknown'.
    case 2345: // Argument of type is not assignable to parameter.
    case 2362: // Left-hand side of an arithmetic operation must be any, number, bigint or enum.
    case 2363:
    case 2488: // Type must have a '[Symbol.iterator]()' method.
    case 2349: // This expression is not callable.
    case 2538: // Type cannot be used as an index type.
    case 2739:
    case 2740:
    case 2741:
    case 2559:
      if (ts.isExpression(node)) plan.castToAny(node);
      break;
  }
}

function isReadonlyMutation(access: ts.PropertyAccessExpression, checker: ts.TypeChecker): boolean {
  if (!MUTATING_METHODS.has(access.name.text)) return false;
  const type = checker.getTypeAtLocation(access.expression);
  return checker.isArrayLikeType(type) && !checker.isArrayType(type);
}

/** Literals, names, property reads and literal arrays/objects of those: evaluating them changes nothing. */
function isSideEffectFree(node: ts.Expression): boolean {
  if (isLiteral(node) || ts.isIdentifier(node) || ts.isNoSubstitutionTemplateLiteral(node)) return true;
  if (ts.isTemplateExpression(node)) return node.templateSpans.every((span) => isSideEffectFree(span.expression));
  if (ts.isPropertyAccessExpression(node)) return isSideEffectFree(node.expression);
  if (ts.isParenthesizedExpression(node)) return isSideEffectFree(node.expression);
  if (ts.isBinaryExpression(node))
    return (
      ["+", "-", "*", "/", "||", "&&", "??", "===", "!=="].includes(node.operatorToken.getText()) &&
      isSideEffectFree(node.left) &&
      isSideEffectFree(node.right)
    );
  if (ts.isArrayLiteralExpression(node))
    return node.elements.every((e) => ts.isExpression(e) && !ts.isSpreadElement(e) && isSideEffectFree(e));
  if (ts.isObjectLiteralExpression(node))
    return node.properties.every(
      (p) => ts.isPropertyAssignment(p) && !ts.isComputedPropertyName(p.name) && isSideEffectFree(p.initializer),
    );
  return false;
}

function isLiteral(node: ts.Node): boolean {
  return (
    ts.isLiteralExpression(node) ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword ||
    node.kind === ts.SyntaxKind.NullKeyword
  );
}

/** The deepest node spanning exactly [start, end), or else the deepest one containing it. */
function nodeAt(sf: ts.SourceFile, start: number, end: number): ts.Node | undefined {
  let exact: ts.Node | undefined;
  let containing: ts.Node | undefined;
  const visit = (node: ts.Node) => {
    const nodeStart = node.getStart(sf);
    if (nodeStart > start || node.getEnd() < end) return;
    containing = node;
    if (nodeStart === start && node.getEnd() === end) exact = node;
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  return exact ?? containing;
}

function ancestor<T extends ts.Node>(node: ts.Node, test: (n: ts.Node) => n is T): T | undefined {
  for (let n: ts.Node | undefined = node; n; n = n.parent) if (test(n)) return n;
  return undefined;
}

function applyEdits(text: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => b.pos - a.pos || b.order - a.order);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.pos) + e.text + out.slice(e.pos + (e.remove ?? 0));
  return out;
}

/** Whether `name`'s symbol is used anywhere in `sf` besides its declaration (a write counts). */
function hasOtherReferences(name: ts.Identifier, sf: ts.SourceFile, checker: ts.TypeChecker): boolean {
  const symbol = checker.getSymbolAtLocation(name);
  if (!symbol) return true;
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(n) && n !== name && n.text === name.text && checker.getSymbolAtLocation(n) === symbol) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}
