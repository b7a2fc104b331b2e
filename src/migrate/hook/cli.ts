/**
 * npm run migrate-hook -- <hook.js> --trigger <hook type> [--name <handler>] [--out <dir>] [--dependency pkg@1.2.3]...
 *
 * Converts an Auth0 Hook into actions/<trigger>/<handler>.ts, prints what it changed, what it
 * could not convert, and the Action's entry for the tenant file's `flows:`.
 * Exit status: 0 converted fully (type-checks), 1 written but with MIGRATION_TODO_* or type
 * errors, 2 nothing written (bad arguments, a Hook that does not parse).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { displayPath, parseMigrateArgs, readMigrationInputs, type CommandOutput } from "../cli-input";
import { grouped, indent, typeCheckSection } from "../report-sections";
import { HOOK_KINDS, HOOK_TYPES, isHookType } from "./hook-types";
import type { HookMigrationResult } from "./migrate-hook";
import { migrateHook } from "./migrate-hook";
import { HookSyntaxError } from "./parse-hook";

const USAGE = `usage: npm run migrate-hook -- <hook.js> --trigger <${HOOK_TYPES.join("|")}> [--name <handler>] [--out <dir>] [--dependency pkg@1.2.3]...`;

/** Hook extensibility points Auth0 offered (in beta) that have no Action trigger: what to do instead. */
const NO_ACTION_TRIGGER: Record<string, string> = {
  "password-exchange":
    "\npassword-exchange Hooks have no Action trigger of their own: Auth0 runs post-login Actions for the password grant, so rewrite the Hook by hand as a post-login Action (its claims through api.idToken/api.accessToken.setCustomClaim)",
};

export type { CommandOutput as Output } from "../cli-input";

export async function migrateHookCli(argv: string[], io: CommandOutput): Promise<number> {
  const args = parseMigrateArgs(
    argv,
    { trigger: { type: "string" }, name: { type: "string" }, out: { type: "string" }, dependency: { type: "string", multiple: true } },
    USAGE,
    io,
  );
  if (typeof args === "number") return args;
  const hookFile = args.file;
  const trigger = args.values.trigger;
  if (!trigger || !isHookType(trigger)) {
    io.error(
      `--trigger ${trigger === undefined ? "is required" : `"${trigger}" is not a Hook type`}: one of ${HOOK_TYPES.join(", ")}${trigger && Object.hasOwn(NO_ACTION_TRIGGER, trigger) ? NO_ACTION_TRIGGER[trigger] : ""}\n${USAGE}`,
    );
    return 2;
  }
  const inputs = readMigrationInputs(hookFile, args.values, "Hook", "m2m-claims");
  if ("error" in inputs) {
    io.error(inputs.error);
    return 2;
  }
  const { handler, dependencyVersions, source, shownFile: shownHook } = inputs;
  let result: HookMigrationResult;
  try {
    result = await migrateHook({ source, hookFile: shownHook, hookType: trigger, handler, options: { dependencyVersions } });
  } catch (error) {
    if (error instanceof HookSyntaxError) {
      io.error(`${error.message}\nNothing written: the Hook must parse before it can be converted.`);
      return 2;
    }
    throw error;
  }
  const kind = HOOK_KINDS[trigger];
  const outDir = args.values.out ?? join("actions", kind.trigger);
  mkdirSync(outDir, { recursive: true });
  const outFile = join(outDir, `${handler}.ts`);
  writeFileSync(outFile, result.code);
  io.log(formatHookReport(result, shownHook, displayPath(outFile)));
  return result.fullyConverted ? 0 : 1;
}

/** The Action's entry under `flows.<trigger>.actions` of a tenant file. */
export function flowsSnippet(result: HookMigrationResult): string {
  const entry: Record<string, unknown> = { handler: result.handler };
  if (result.secrets.length > 0)
    entry.secrets = Object.fromEntries(result.secrets.map(({ secret }) => [secret, { env: `AUTH0_SECRET_${secret}` }]));
  if (Object.keys(result.dependencies).length > 0) entry.dependencies = result.dependencies;
  return stringify({ flows: { [result.kind.trigger]: { mode: "append", actions: [entry] } } });
}

export function formatHookReport(result: HookMigrationResult, hookFile: string, outFile: string): string {
  const out: string[] = [];
  out.push(`${hookFile} (${result.kind.hookType} Hook) → ${outFile} (exports ${result.kind.entryPoint})`, "");
  out.push("Converted:", ...grouped(result.changes), "");
  if (result.notes.length > 0) out.push("Notes:", ...grouped(result.notes), "");
  out.push(...typeCheckSection(result, outFile, "Hook"));
  if (result.todos.length > 0) {
    out.push(`NOT CONVERTED: ${result.todos.length} construct(s) left as MIGRATION_TODO_* in ${outFile}:`);
    out.push(...result.todos.map((todo) => `  line ${todo.line}: ${todo.marker}: ${todo.message}`), "");
  }
  if (result.fullyConverted) {
    out.push("Tenant configuration: add the Action to each tenant file that should run it:");
    out.push(...indent(flowsSnippet(result)));
    if (result.secrets.length > 0)
      out.push(
        `Secret values come from the environment at plan/apply: ${result.secrets.map((s) => `AUTH0_SECRET_${s.secret}`).join(", ")}.`,
      );
    out.push(`Then check it against the Hook: npm run parity-hook -- ${hookFile} ${outFile} --trigger ${result.kind.hookType}`);
  } else {
    out.push("Tenant configuration: not given until the Action converts fully (resolve the TODOs and type errors, then run again).");
  }
  return out.join("\n");
}
