/**
 * Converts one Auth0 Hook into a typed Action for the trigger that replaced its Hook type:
 *
 *   parse (parse-hook) → module-level code moved into the handler → reserved names renamed →
 *   module-level state the Hook changes flagged (module-state.ts) → scopes (credentials exchange) → parameters → context → require / globals (the Rule
 *   converter's pass) → the callback (callback.ts) → print (the Rule converter's emitter) →
 *   type-check and repair (the Rule converter's checker, for actions/<trigger>/<name>.ts)
 *
 * Every pass records what it changed; what has no Action equivalent stays a MIGRATION_TODO_*
 * reference that fails type-checking. Nothing is dropped silently.
 */
import { parse } from "@babel/parser";
import * as t from "@babel/types";
import { wrapFunction } from "../ast";
import { Conversion, type ConversionOptions } from "../conversion";
import { conversionResult, type ConversionResult } from "../conversion-result";
import { dedupeEntries } from "../dedupe-entries";
import { formatTypeScript, printActionFile, type ActionFile } from "../emit";
import { RESERVED_NAMESPACE_DOMAINS } from "../../auth0-facts";
import { renameReservedBindings } from "../reserved-bindings";
import { convertGlobals } from "../passes/globals";
import { checkAndRepair } from "../type-check";
import { convertDirectCallbacks, planCallback, promiseBody, type HookHelper } from "./callback";
import { HOOK_KINDS, type HookKind, type HookType } from "./hook-types";
import { flagModuleState } from "./module-state";
import { parseHook } from "./parse-hook";
import { checkScopes, convertContext, convertParams, type Preamble } from "./passes";

export interface MigrateHookInput {
  source: string;
  /** How to name the Hook file in messages and in the header, e.g. "hooks/m2m-claims.js". */
  hookFile: string;
  hookType: HookType;
  /** Handler name: the output is actions/<trigger>/<handler>.ts. */
  handler: string;
  options?: ConversionOptions;
}

export interface HookMigrationResult extends ConversionResult {
  kind: HookKind;
  /** Hook secret name → Action secret name, sorted by secret name. */
  secrets: Array<{ hookSecret: string; secret: string }>;
  /** "direct": callback calls became api calls; "promise": the body runs in a Promise the callback settles. */
  callbackForm: "direct" | "promise" | "none";
}

const RESERVED_NAMES = [
  "event",
  "api",
  "setHookClaims",
  "setHookMetadata",
  "failAsHook",
  "isNamespacedClaim",
  "hookResolve",
  "hookReject",
  "hookResponse",
];

export async function migrateHook(input: MigrateHookInput): Promise<HookMigrationResult> {
  const kind = HOOK_KINDS[input.hookType];
  const parsed = parseHook(input.source, input.hookFile, kind.params.length + 2);
  const conv = new Conversion(input.options);
  const names = parsed.params;
  const contextName = names[kind.params.length];
  const callbackName = names[kind.params.length + 1];

  // Module-level helpers and requires run once per call in the Action. Left at module level, state
  // in them would be shared by every execution of the deployed version (Auth0's Node 22 runtime
  // reuses module scope), i.e. by every user: per-request state must live in the handler, and state
  // the Hook changes while it runs is a person's decision (module-state.ts).
  const fn = t.functionExpression(
    null,
    parsed.fn.params,
    t.blockStatement([...parsed.moduleStatements, ...parsed.fn.body.body]),
    false,
    parsed.fn.async,
  );
  fn.loc = parsed.fn.loc;
  if (parsed.moduleStatements.length > 0)
    conv.note(
      parsed.moduleStatements[0],
      "module-level statements moved to the start of the handler (the Action evaluates them on each run)",
    );
  const file = wrapFunction(fn);
  renameReservedBindings(file, RESERVED_NAMES, "Hook", conv);
  flagModuleState(file, parsed.moduleStatements.length, conv);

  const preamble: Preamble = { statements: [] };
  if (kind.response === "access-token") checkScopes(file, names[1], callbackName, conv);
  convertParams(file, kind, names, conv, preamble);
  convertContext(file, kind, contextName, conv);
  convertGlobals(file, conv);

  const plan = planCallback(file, kind, callbackName, fn.async);
  let body: t.Statement[];
  if (plan.mode === "direct") {
    if (callbackName) convertDirectCallbacks(file, kind, callbackName, conv, plan);
    body = fn.body.body;
  } else {
    body = promiseBody(kind, callbackName, fn.body.body, fn.async, plan, conv, fn);
  }
  if (!callbackName) conv.note(fn, "the Hook never receives its callback: the Action ends when its body does");

  const todos = dedupeEntries(conv.todos).map((todo) => ({ ...todo, message: hookWording(todo.message) }));
  const header = [
    `${kind.trigger} Action converted from the ${kind.hookType} Hook ${input.hookFile} by \`npm run migrate-hook\`.`,
    `Check that it behaves like the Hook: npm run parity-hook -- ${input.hookFile} actions/${kind.trigger}/${input.handler}.ts --trigger ${kind.hookType}`,
    ...(todos.length > 0
      ? ["", `NOT FULLY CONVERTED: resolve the ${todos.length} MIGRATION_TODO_* below; the file fails type-checking until then.`]
      : []),
  ];
  const printed = hookWording(
    await printActionFile(buildFile(kind, header, parsed.leadingComments, conv, plan.helpers, [...preamble.statements, ...body])),
  );
  const checked = await checkAndRepair(printed, input.handler, formatTypeScript);

  const secrets = [...conv.secrets.entries()]
    .map(([hookSecret, secret]) => ({ hookSecret, secret }))
    .sort((a, b) => a.secret.localeCompare(b.secret));
  return {
    ...conversionResult(input.handler, conv, todos, checked),
    kind,
    secrets,
    callbackForm: callbackName ? plan.mode : "none",
  };
}

function buildFile(
  kind: HookKind,
  header: string[],
  comments: t.Comment[],
  conv: Conversion,
  helpers: ReadonlySet<HookHelper>,
  body: t.Statement[],
): ActionFile {
  const typeImport = t.importDeclaration(
    [
      t.importSpecifier(t.identifier("Event"), t.identifier("Event")),
      t.importSpecifier(t.identifier(kind.apiType), t.identifier(kind.apiType)),
    ],
    t.stringLiteral(kind.typesModule),
  );
  typeImport.importKind = "type";
  t.addComment(typeImport, "leading", `*\n${header.map((l) => ` * ${l}`.trimEnd()).join("\n")}\n `, false);

  const helperStatements = helperSource(kind, helpers).map(
    (source) => parse(source, { sourceType: "module", plugins: ["typescript"] }).program.body,
  );
  const eventParam = t.identifier("event");
  eventParam.typeAnnotation = t.tsTypeAnnotation(t.tsTypeReference(t.identifier("Event")));
  const apiParam = t.identifier("api");
  apiParam.typeAnnotation = t.tsTypeAnnotation(t.tsTypeReference(t.identifier(kind.apiType)));
  let end = body.length;
  while (
    end > 0 &&
    t.isReturnStatement(body[end - 1]) &&
    !(body[end - 1] as t.ReturnStatement).argument &&
    !body[end - 1].leadingComments?.length
  )
    end--;
  const handler = t.arrowFunctionExpression([eventParam, apiParam], t.blockStatement(body.slice(0, end)), true);
  handler.returnType = t.tsTypeAnnotation(t.tsTypeReference(t.identifier("Promise"), t.tsTypeParameterInstantiation([t.tsVoidKeyword()])));
  const exported = t.exportNamedDeclaration(t.variableDeclaration("const", [t.variableDeclarator(t.identifier(kind.entryPoint), handler)]));
  if (comments.length > 0) t.addComments(exported, "leading", comments);
  const groups: ActionFile = [[typeImport], conv.moduleRequires.map((r) => r.declaration), ...helperStatements, [exported]];
  return groups.filter((g) => g.length > 0);
}

/** The helpers the converted code calls, as TypeScript source, in a fixed order. */
function helperSource(kind: HookKind, helpers: ReadonlySet<HookHelper>): string[] {
  const out: string[] = [];
  if (helpers.has("errorClasses")) {
    for (const [name, meaning] of Object.entries(kind.errors)) {
      out.push(
        meaning.kind === "deny-signup"
          ? `/** The Hooks runtime's ${name}(reason, userMessage). */
class ${name} extends Error {
  constructor(message?: string, readonly userMessage?: string) {
    super(message);
    this.name = "${name}";
  }
}`
          : `/** The Hooks runtime's ${name}: /oauth/token answered with the OAuth error "${meaning.code}". */
class ${name} extends Error {
  constructor(message?: string) {
    super(message);
    this.name = "${name}";
  }
}`,
      );
    }
  }
  if (helpers.has("failAsHook")) {
    const branches = Object.entries(kind.errors).map(([name, meaning]) =>
      meaning.kind === "deny-signup"
        ? `  if (error instanceof ${name}) {
    api.access.deny(error.message, error.userMessage);
    return;
  }`
        : `  if (error instanceof ${name}) {
    api.access.deny("${meaning.code}", error.message);
    return;
  }`,
    );
    out.push(`/** What the Hooks runtime did with cb(error): its own error classes ${kind.response === "access-token" ? "answered /oauth/token with their OAuth error" : "refused the signup"}; any other error failed the Hook. */
function failAsHook(api: ${kind.apiType}, error: unknown): void {
${branches.join("\n")}
  throw error;
}`);
  }
  if (helpers.has("setHookClaims")) {
    out.push(`/** What the Hooks runtime did with cb(null, accessToken): each property named by an http(s) URL outside Auth0's own domains became a claim; the rest (scope included) was not a claim. */
function setHookClaims(api: ${kind.apiType}, accessToken: any): void {
  for (const [name, value] of Object.entries(accessToken ?? {})) {
    if (isNamespacedClaim(name)) api.accessToken.setCustomClaim(name, value);
  }
}`);
    out.push(`function isNamespacedClaim(name: string): boolean {
  let url: URL;
  try {
    url = new URL(name);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  const host = url.hostname.toLowerCase();
  return ![${RESERVED_NAMESPACE_DOMAINS.map((d) => JSON.stringify(d)).join(", ")}].some((domain) => host === domain || host.endsWith(\`.\${domain}\`));
}`);
  }
  if (helpers.has("setHookMetadata")) {
    out.push(`/** What the Hooks runtime did with cb(null, response): response.user.user_metadata and app_metadata were merged into the new user; nothing else was read. */
function setHookMetadata(api: ${kind.apiType}, response: any): void {
  for (const [key, value] of Object.entries(response?.user?.user_metadata ?? {})) api.user.setUserMetadata(key, value);
  for (const [key, value] of Object.entries(response?.user?.app_metadata ?? {})) api.user.setAppMetadata(key, value);
}`);
  }
  return out;
}

/** The shared TODO markers and require messages speak of "the Rule"; here the source is a Hook. */
function hookWording(text: string): string {
  return text
    .replace(/ \(Rule line (\d+)\): /g, " (Hook line $1): ")
    .replace(/\bRule code: /g, "Hook code: ")
    .replace(/pin one in the Rule \(/g, "pin one in the Hook (");
}
