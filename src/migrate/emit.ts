/**
 * Assembles the converted handler file (header, type import, top-level requires, helpers, the
 * exported entry points) and prints it: @babel/generator for the text, prettier for the layout.
 */
import generate from "@babel/generator";
import { parse } from "@babel/parser";
import * as t from "@babel/types";
import * as estree from "prettier/plugins/estree";
import * as typescript from "prettier/plugins/typescript";
import { format } from "prettier/standalone";
import type { HelperName, ModuleRequire } from "./conversion";

/** prettier's standalone build: plain CommonJS, no dynamic import (which jest's module sandbox cannot run). */
export const PRETTIER_OPTIONS = { parser: "typescript", printWidth: 120, plugins: [estree, typescript] };

/**
 * Converted handlers import the read-only variant of the post-login types (deep read-only event,
 * string-only deny reasons): a conversion that writes to the event or denies with an untyped value
 * fails type-checking instead of running differently from the Rule.
 */
export const CONVERTED_TYPES = "post-login-v3-converted";

/** Helpers the converted code may call, declared once at the top of the file when used. */
const HELPER_SOURCE: Record<HelperName, string> = {
  callbackResults: `
/** Calls a Node-style callback API and resolves with the arguments its callback received (error first), as the Rule saw them. */
function callbackResults(call: (done: (...results: any[]) => void) => void): Promise<any[]> {
  return new Promise((resolve) => call((...results) => resolve(results)));
}`,
  scopeList: `
/** Rules accepted context.accessToken.scope as a space-separated string or an array of scopes. */
function scopeList(scope: unknown): string[] {
  return Array.isArray(scope) ? scope.map(String) : String(scope ?? "").split(" ").filter((s) => s !== "");
}`,
  ruleAuthenticationMethods: `
/** Rules' context.authentication.methods: the same entries with timestamps in milliseconds (Actions give ISO date strings). */
function ruleAuthenticationMethods(methods: ReadonlyArray<{ readonly name: string; readonly timestamp: string }> | undefined): Array<{ name: string; timestamp: number }> {
  return (methods ?? []).map((method) => ({ ...method, timestamp: Date.parse(method.timestamp) }));
}`,
};

export interface ActionFileParts {
  /** Lines of the header comment. */
  header: string[];
  /** Comments the Rule had before its function. */
  ruleComments: t.Comment[];
  moduleRequires: readonly ModuleRequire[];
  helpers: ReadonlySet<HelperName>;
  execute: t.Statement[];
  continue?: t.Statement[];
}

/** The file's top-level statements, in groups printed with a blank line between them. */
export type ActionFile = t.Statement[][];

export function buildActionFile(parts: ActionFileParts): ActionFile {
  const typeImport = t.importDeclaration(
    [
      t.importSpecifier(t.identifier("Event"), t.identifier("Event")),
      t.importSpecifier(t.identifier("PostLoginAPI"), t.identifier("PostLoginAPI")),
    ],
    t.stringLiteral(`../types/${CONVERTED_TYPES}`),
  );
  typeImport.importKind = "type";
  t.addComment(typeImport, "leading", `*\n${parts.header.map((l) => ` * ${l}`.trimEnd()).join("\n")}\n `, false);

  const helpers = (["callbackResults", "scopeList", "ruleAuthenticationMethods"] as const)
    .filter((h) => parts.helpers.has(h))
    .flatMap((h) => parseStatements(HELPER_SOURCE[h]));
  const execute = handler("onExecutePostLogin", parts.execute);
  if (parts.ruleComments.length > 0) t.addComments(execute, "leading", parts.ruleComments);
  const groups: ActionFile = [[typeImport], parts.moduleRequires.map((r) => r.declaration), ...helpers.map((h) => [h]), [execute]];
  if (parts.continue) groups.push([handler("onContinuePostLogin", parts.continue)]);
  return groups.filter((g) => g.length > 0);
}

/** `export const <name> = async (event: Event, api: PostLoginAPI): Promise<void> => { … };` */
function handler(name: string, body: t.Statement[]): t.ExportNamedDeclaration {
  const param = (id: string, type: string) => {
    const p = t.identifier(id);
    p.typeAnnotation = t.tsTypeAnnotation(t.tsTypeReference(t.identifier(type)));
    return p;
  };
  const fn = t.arrowFunctionExpression(
    [param("event", "Event"), param("api", "PostLoginAPI")],
    t.blockStatement(trimTrailingReturn(body)),
    true,
  );
  fn.returnType = t.tsTypeAnnotation(t.tsTypeReference(t.identifier("Promise"), t.tsTypeParameterInstantiation([t.tsVoidKeyword()])));
  return t.exportNamedDeclaration(t.variableDeclaration("const", [t.variableDeclarator(t.identifier(name), fn)]));
}

/** A bare `return;` as the handler's last statement says nothing. */
function trimTrailingReturn(body: t.Statement[]): t.Statement[] {
  let end = body.length;
  while (
    end > 0 &&
    t.isReturnStatement(body[end - 1]) &&
    !(body[end - 1] as t.ReturnStatement).argument &&
    !body[end - 1].leadingComments?.length
  )
    end--;
  return body.slice(0, end);
}

function parseStatements(source: string): t.Statement[] {
  return parse(source, { sourceType: "module", plugins: ["typescript"] }).program.body;
}

/** Prints and formats. Deterministic: same AST, same text. */
export async function printActionFile(file: ActionFile): Promise<string> {
  const print = (s: t.Statement) => generate(s, { comments: true, jsescOption: { minimal: true } }).code;
  return format(file.map((group) => group.map(print).join("\n")).join("\n\n"), PRETTIER_OPTIONS);
}

export async function formatTypeScript(code: string): Promise<string> {
  return format(code, PRETTIER_OPTIONS);
}
