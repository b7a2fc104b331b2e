/**
 * The state one Rule conversion accumulates while its passes run: what was changed (the report),
 * what could not be converted (TODO markers left in the output), and what the Action needs from
 * its tenant (secrets, npm dependencies). Passes only append; the report is printed at the end.
 */
import generate from "@babel/generator";
import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";

export interface ReportEntry {
  /** 1-based line in the Rule file (0 when the construct has no position). */
  line: number;
  message: string;
}

export interface TodoEntry extends ReportEntry {
  /** The undeclared identifier left in the output, e.g. MIGRATION_TODO_GLOBAL. */
  marker: string;
}

/** A module-level statement the Action needs (top-level require of a dependency). */
export interface ModuleRequire {
  /** Package as the Action requires it ("request", "@scope/pkg", or a Node built-in). */
  packageName: string;
  declaration: t.Statement;
}

export type HelperName = "callbackResults" | "scopeList" | "ruleAuthenticationMethods";

export interface ConversionOptions {
  /** Versions for `require('pkg')` without `@version` in the Rule: package → exact version. */
  dependencyVersions?: Readonly<Record<string, string>>;
}

export const TODO_PREFIX = "MIGRATION_TODO_";

/** `/* Rule line N *\/` after a generated expression: where it came from, for checks made after printing. */
export const RULE_LINE_COMMENT = "Rule line";

export class Conversion {
  readonly changes: ReportEntry[] = [];
  readonly todos: TodoEntry[] = [];
  readonly notes: ReportEntry[] = [];
  /** configuration key → Action secret name. */
  readonly secrets = new Map<string, string>();
  /** npm package → exact version (built-ins are not listed). */
  readonly dependencies = new Map<string, string>();
  readonly moduleRequires: ModuleRequire[] = [];
  readonly helpers = new Set<HelperName>();

  constructor(readonly options: ConversionOptions = {}) {}

  changed(at: NodePath | t.Node, message: string): void {
    const line = lineOf(at);
    // Line 0: code the converter generated itself (e.g. per-key metadata reads); nothing to report.
    if (line > 0) this.changes.push({ line, message });
  }

  note(at: NodePath | t.Node, message: string): void {
    this.notes.push({ line: lineOf(at), message });
  }

  /**
   * Leaves a construct with no Action equivalent in the output as a reference to an undeclared
   * identifier (so the file fails type-checking until someone decides), with a comment on the
   * enclosing statement saying why. `wrap` keeps the original expression as the marker's argument.
   */
  todo(path: NodePath, kind: string, reason: string, mode: "replace" | "wrap" = "replace", ruleCode?: string): void {
    const marker = `${TODO_PREFIX}${kind}`;
    const line = lineOf(path);
    // `global` alone says little: show the member chain it starts (`global.partnerToken`).
    let shown: NodePath = path;
    while (
      shown.parentPath &&
      (shown.parentPath.isMemberExpression() || shown.parentPath.isOptionalMemberExpression()) &&
      shown.parentPath.node.object === shown.node
    )
      shown = shown.parentPath;
    const original = ruleCode ?? excerpt(shown.node);
    this.todos.push({ line, marker, message: `${reason} (Rule code: ${original})` });
    const statement = path.isStatement() ? path : path.getStatementParent();
    const comment = ` ${marker} (Rule line ${line}): ${reason}. Rule code: ${original}`;
    const existing = statement?.node.leadingComments ?? [];
    // Appended (t.addComment would prepend), so several markers on one statement read in Rule order.
    if (statement && !existing.some((c) => c.value === comment))
      statement.node.leadingComments = [...existing, { type: "CommentLine", value: comment }];
    if (path.isStatement()) {
      path.replaceWith(t.expressionStatement(t.identifier(marker)));
    } else if (mode === "wrap") {
      path.replaceWith(t.callExpression(t.identifier(marker), [path.node as t.Expression]));
      path.skip();
    } else {
      path.replaceWith(t.identifier(marker));
    }
  }
}

/** The Rule line of a node, or of its nearest ancestor that came from the Rule's source. */
export function lineOf(at: NodePath | t.Node): number {
  if (!isPath(at)) return at.loc?.start.line ?? 0;
  for (let p: NodePath | null = at; p; p = p.parentPath) {
    if (p.node?.loc) return p.node.loc.start.line;
  }
  return 0;
}

function isPath(value: NodePath | t.Node): value is NodePath {
  return "node" in value && "parentPath" in value;
}

/** One line of code for messages: generated from the node, whitespace collapsed, at most 90 characters. */
export function excerpt(node: t.Node): string {
  const code = generate(node, { comments: false, compact: false }).code.replace(/\s+/g, " ").trim();
  return code.length > 90 ? `${code.slice(0, 87)}...` : code;
}
