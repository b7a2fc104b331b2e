/**
 * Converts one Auth0 Rule into a typed post-login Action handler:
 *
 *   parse (parse-rule) → split the redirect-callback branch (passes/redirect) → per entry point:
 *   inline async continuations → exits without callback → callback(...) → auth0 metadata writes →
 *   globals (configuration, require, global) → context.* → user.* → writes left on the event →
 *   print (emit) → type-check and repair (type-check)
 *
 * Every pass records what it changed, and what it could not convert stays in the output as a
 * MIGRATION_TODO_* reference that fails type-checking. Nothing is dropped silently.
 */
import * as t from "@babel/types";
import { wrapFunction } from "./ast";
import { dedupeEntries } from "./dedupe-entries";
import { Conversion, type ConversionOptions, type TodoEntry } from "./conversion";
import { conversionResult, type ConversionResult } from "./conversion-result";
import { buildActionFile, formatTypeScript, printActionFile } from "./emit";
import { parseRule } from "./parse-rule";
import { renameReservedBindings } from "./reserved-bindings";
import { convertCallbackCalls } from "./passes/callbacks";
import { convertEventWrites } from "./passes/event-writes";
import { convertExitsWithoutCallback } from "./passes/exits";
import { convertContext } from "./passes/context";
import { inlineContinuations } from "./passes/continuations";
import { convertGlobals } from "./passes/globals";
import { convertManagementApi } from "./passes/metadata";
import { splitRedirectCallback } from "./passes/redirect";
import { convertUser } from "./passes/user";
import { checkAndRepair, DENY_REASON_MARKER } from "./type-check";

export interface MigrateRuleInput {
  /** The Rule's source text. */
  source: string;
  /** How to name the Rule file in messages and in the header, e.g. "rules/deny-by-ip.js". */
  ruleFile: string;
  /** Handler name: the output is actions/post-login/<handler>.ts. */
  handler: string;
  options?: ConversionOptions;
}

export interface MigrationResult extends ConversionResult {
  /** configuration key → Action secret name, sorted by secret name. */
  secrets: Array<{ configurationKey: string; secret: string }>;
  /** True when the Action exports onContinuePostLogin (the Rule had a redirect-callback branch). */
  hasContinue: boolean;
}

/** Names the converted code introduces: a Rule's own bindings of these names are renamed first. */
const RESERVED_NAMES = ["event", "api", "callbackResults", "scopeList"];

export async function migrateRule(input: MigrateRuleInput): Promise<MigrationResult> {
  const parsed = parseRule(input.source, input.ruleFile);
  const conv = new Conversion(input.options);
  renameReservedBindings(wrapFunction(parsed.fn), RESERVED_NAMES, "Rule", conv);
  const { user, context, callback } = parsed.params;

  const split = splitRedirectCallback(parsed.fn.body, context, callback, conv);
  const convert = (statements: t.Statement[]): t.Statement[] => {
    const fn = t.functionExpression(
      null,
      parsed.fn.params.map((p) => t.cloneNode(p)),
      t.blockStatement(statements),
      false,
      parsed.async,
    );
    fn.loc = parsed.fn.loc;
    const file = wrapFunction(fn);
    inlineContinuations(file, callback, user, conv);
    convertExitsWithoutCallback(file, callback, conv);
    convertCallbackCalls(file, callback, conv);
    convertManagementApi(file, user, conv);
    convertGlobals(file, conv);
    convertContext(file, context, conv);
    convertUser(file, user, conv);
    convertEventWrites(file, conv);
    return fn.body.body;
  };
  const execute = convert(split.execute);
  const continueBody = split.continue ? convert(split.continue) : undefined;

  const todos: TodoEntry[] = dedupeEntries(conv.todos);
  const header = [
    `Post-login Action converted from the Rule ${input.ruleFile} by \`npm run migrate-rule\`.`,
    `Check that it behaves like the Rule: npm run parity -- ${input.ruleFile} actions/post-login/${input.handler}.ts`,
    ...(todos.length > 0 ? ["", "NOT FULLY CONVERTED: resolve the MIGRATION_TODO_* below; the file fails type-checking until then."] : []),
  ];
  const file = buildActionFile({
    header,
    ruleComments: parsed.leadingComments,
    moduleRequires: conv.moduleRequires,
    helpers: conv.helpers,
    execute,
    continue: continueBody,
  });
  const printed = await printActionFile(file);
  const checked = await checkAndRepair(printed, input.handler, formatTypeScript);

  for (const reason of checked.denyReasons) {
    todos.push({
      line: reason.ruleLine,
      marker: DENY_REASON_MARKER,
      message: `the login is denied with a value that is not known to be a string; Rules accepted any error value and showed its text, api.access.deny takes the message: decide what users should see (Action code: ${reason.code})`,
    });
  }
  const secrets = [...conv.secrets.entries()]
    .map(([configurationKey, secret]) => ({ configurationKey, secret }))
    .sort((a, b) => a.secret.localeCompare(b.secret));
  return {
    ...conversionResult(input.handler, conv, todos, checked),
    secrets,
    hasContinue: continueBody !== undefined,
  };
}
