/**
 * npm run migrate-hook -- <hook.js> --trigger <hook type> [--name <handler>] [--out <dir>] [--dependency pkg@1.2.3]...
 *
 * Converts an Auth0 Hook into actions/<trigger>/<handler>.ts, prints what it changed, what it
 * could not convert, and the Action's entry for the tenant file's `flows:`.
 * Exit status: 0 converted fully (type-checks), 1 written but with MIGRATION_TODO_* or type
 * errors, 2 nothing written (bad arguments, a Hook that does not parse).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { HANDLER_NAME } from "../../names";
import { handlerNameFromFile } from "../handler-name";
import type { ReportEntry } from "../conversion";
import { HOOK_KINDS, HOOK_TYPES, isHookType } from "./hook-types";
import type { HookMigrationResult } from "./migrate-hook";
import { migrateHook } from "./migrate-hook";
import { HookSyntaxError } from "./parse-hook";

const USAGE = `usage: npm run migrate-hook -- <hook.js> --trigger <${HOOK_TYPES.join("|")}> [--name <handler>] [--out <dir>] [--dependency pkg@1.2.3]...`;

export interface Output {
  log(text: string): void;
  error(text: string): void;
}

export async function migrateHookCli(argv: string[], io: Output): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        trigger: { type: "string" },
        name: { type: "string" },
        out: { type: "string" },
        dependency: { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    io.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.values.help) {
    io.log(USAGE);
    return 0;
  }
  const [hookFile] = args.positionals;
  if (!hookFile || args.positionals.length > 1) {
    io.error(USAGE);
    return 2;
  }
  const trigger = args.values.trigger;
  if (!trigger || !isHookType(trigger)) {
    io.error(
      `--trigger ${trigger === undefined ? "is required" : `"${trigger}" is not a Hook type`}: one of ${HOOK_TYPES.join(", ")}\n${USAGE}`,
    );
    return 2;
  }
  const handler = args.values.name ?? handlerNameFromFile(hookFile);
  if (!HANDLER_NAME.test(handler)) {
    io.error(`--name "${handler}": a handler name is kebab-case (lowercase letters, digits and -), e.g. m2m-claims`);
    return 2;
  }
  const dependencyVersions: Record<string, string> = {};
  for (const spec of args.values.dependency ?? []) {
    const at = spec.lastIndexOf("@");
    if (at <= 0) {
      io.error(`--dependency "${spec}": write it as name@1.2.3`);
      return 2;
    }
    dependencyVersions[spec.slice(0, at)] = spec.slice(at + 1);
  }
  let source: string;
  try {
    source = readFileSync(hookFile, "utf8");
  } catch {
    io.error(`${hookFile}: cannot read the Hook file`);
    return 2;
  }
  const shownHook = displayPath(hookFile);
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
  const repairs = Object.entries(result.repairs).map(([kind, n]) => `${n} ${kind}`);
  const repaired = repairs.length > 0 ? ` (after behaviour-neutral repairs for untyped Hook code: ${repairs.join(", ")})` : "";
  if (result.typeProblems.length === 0) {
    out.push(
      `Type check (the project's strict tsconfig): ${result.todos.length === 0 ? "ok" : "ok apart from the MIGRATION_TODO_* markers"}${repaired}`,
      "",
    );
  } else {
    out.push(`Type check (the project's strict tsconfig): ${result.typeProblems.length} error(s)${repaired}`);
    out.push(...result.typeProblems.map((p) => `  ${outFile}:${p.line}:${p.column}: TS${p.code}: ${p.message}`), "");
  }
  if (result.todos.length > 0) {
    out.push(`NOT CONVERTED: ${result.todos.length} construct(s) left as MIGRATION_TODO_* in ${outFile}:`);
    out.push(...result.todos.map((todo) => `  line ${todo.line}: ${todo.marker}: ${todo.message}`), "");
  }
  if (result.fullyConverted) {
    out.push("Tenant configuration: add the Action to each tenant file that should run it:");
    out.push(
      ...flowsSnippet(result)
        .trimEnd()
        .split("\n")
        .map((l) => `  ${l}`),
    );
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

function grouped(entries: readonly ReportEntry[]): string[] {
  const byMessage = new Map<string, number[]>();
  for (const e of entries) byMessage.set(e.message, [...(byMessage.get(e.message) ?? []), e.line]);
  return [...byMessage.entries()].map(([message, lines]) => {
    const unique = [...new Set(lines)].filter((l) => l > 0);
    const where = unique.length === 0 ? "" : unique.length === 1 ? `line ${unique[0]}: ` : `lines ${unique.join(", ")}: `;
    return `  ${where}${message}`;
  });
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  return rel.startsWith("..") ? resolve(file) : rel;
}
