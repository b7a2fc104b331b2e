/**
 * Reads tenants/*.yaml into validated Tenant objects, or fails with every problem named:
 * file, field, and what is allowed. Nothing is synthesized from a directory with a broken file.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import type { ZodIssue } from "zod";
import { REPO_ROOT } from "../paths";
import { crossFileProblems } from "./cross-checks";
import { fieldPath, rawProblems } from "./raw-checks";
import { flowList, tenantSchema, type ConfigProblem, type Tenant, type TenantFile } from "./tenant-schema";
import { UserFacingError } from "../errors";

// Defined beside the schema (cross-checks.ts needs them too, and load-tenants imports cross-checks);
// callers keep getting them here, with the tenants.
export type { ConfigProblem, Tenant };

export class TenantConfigError extends UserFacingError {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "TenantConfigError";
  }
}

export function formatProblem(p: ConfigProblem): string {
  return p.field ? `${p.file}: ${p.field}: ${p.message}` : `${p.file}: ${p.message}`;
}

const TENANT_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Loads every tenant file in `dir`, sorted by name. Throws TenantConfigError listing every problem.
 * `handlersRoot`: where the handlers named by the files are (a copy of the repository's actions/).
 */
export function loadTenants(dir = "tenants", handlersRoot = HANDLERS_ROOT): Tenant[] {
  const display = (file: string) => relative(process.cwd(), join(dir, file)) || file;
  let entries: string[];
  try {
    entries = readdirSync(dir)
      .filter((f) => !f.startsWith("."))
      .sort();
  } catch {
    throw new TenantConfigError([
      { file: dir, field: "", message: "tenant directory not found; create it with one <tenant>.yaml per tenant" },
    ]);
  }
  const problems: ConfigProblem[] = [];
  const tenants: Tenant[] = [];
  const byName = new Map<string, string>();
  for (const entry of entries) {
    const file = display(entry);
    const match = /^(.*)\.(ya?ml)$/.exec(entry);
    if (!match) {
      problems.push({ file, field: "", message: 'tenant files are YAML: name it "<tenant>.yaml"' });
      continue;
    }
    const name = match[1];
    if (!TENANT_NAME.test(name)) {
      problems.push({
        file,
        field: "",
        message: "the file name is the tenant and stack name: lowercase letters, digits and -, starting with a letter",
      });
      continue;
    }
    if (byName.has(name)) {
      problems.push({ file, field: "", message: `duplicate tenant "${name}": ${byName.get(name)} already defines it` });
      continue;
    }
    byName.set(name, file);
    const text = readTenantText(join(dir, entry));
    if (typeof text !== "string") {
      problems.push({ file, field: "", message: text.problem });
      continue;
    }
    const result = parseTenantFile(file, text, handlersRoot);
    if ("problems" in result) problems.push(...result.problems);
    else tenants.push({ ...result.tenant, name, file });
  }
  problems.push(...crossTenantProblems(tenants), ...crossFileProblems(tenants));
  if (problems.length > 0) throw new TenantConfigError(problems);
  if (tenants.length === 0) throw new TenantConfigError([{ file: dir, field: "", message: "no tenant files found" }]);
  return tenants;
}

const MAX_ALIAS_COUNT = 100;

/** The text of a tenant file, or why it cannot be read (a directory, a dangling symlink, no permission). */
function readTenantText(path: string): string | { problem: string } {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      let target = "";
      try {
        target = readlinkSync(path);
      } catch {
        /* not a link */
      }
      return {
        problem: target
          ? `a symbolic link to "${target}", which does not exist: remove the link or restore its target`
          : "cannot be read: the file disappeared",
      };
    }
    return { problem: `cannot be read (${code ?? (error as Error).message})` };
  }
  if (stat.isDirectory()) return { problem: "is a directory, not a tenant file: tenant files are YAML files, one per tenant" };
  if (!stat.isFile()) return { problem: "is not a regular file: tenant files are YAML files, one per tenant" };
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    return { problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
}

/** Where the stacks bundle handlers from: actions/<trigger>/<handler>.ts; a tenant file may only name handlers that exist. */
export const HANDLERS_ROOT = join(REPO_ROOT, "actions");

/** The handler file for `handler` on `trigger` under `handlersRoot`: .ts, or .js for adopted deployed code; undefined when neither exists. */
export function handlerFile(trigger: string, handler: string, handlersRoot = HANDLERS_ROOT): string | undefined {
  return [".ts", ".js"].map((ext) => join(handlersRoot, trigger, `${handler}${ext}`)).find((file) => existsSync(file));
}

/** Parses and validates one tenant file's text. `file` is used only in messages; `handlersRoot` holds the <trigger>/ handler folders. */
export function parseTenantFile(
  file: string,
  text: string,
  handlersRoot = HANDLERS_ROOT,
): { tenant: TenantFile } | { problems: ConfigProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => ({
        file,
        field: "",
        message: `not valid YAML at line ${lineCounter.linePos(e.pos[0]).line}: ${e.message.split("\n")[0]}`,
      })),
    };
  }
  let raw: unknown;
  try {
    // A handful of aliases is YAML; thousands are an alias bomb (exponential expansion).
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return {
      problems: [
        {
          file,
          field: "",
          message: `YAML aliases expand too far (more than ${MAX_ALIAS_COUNT} alias expansions): write the values out; ${(error as Error).message.split("\n")[0]}`,
        },
      ],
    };
  }
  // Credentials, control/bidi characters and prototype keys, wherever they sit (src/config/raw-checks.ts).
  const dataProblems = rawProblems(raw).map((problem) => ({ file, ...problem }));
  if (dataProblems.length > 0) return { problems: dataProblems };
  const parsed = tenantSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.flatMap((issue) =>
        issue.code === "unrecognized_keys"
          ? issue.keys.map((key) => ({
              file,
              field: fieldPath([...issue.path, key]),
              message: 'unknown field; see README "Tenant files" for the fields allowed here',
            }))
          : [{ file, field: fieldPath(issue.path), message: describe(issue) }],
      ),
    };
  }
  const legacy = raw !== null && typeof raw === "object" && !("flows" in raw);
  const missingHandlers = flowList(parsed.data.flows).flatMap(({ trigger, actions }) =>
    actions.flatMap((action, index) =>
      handlerFile(trigger, action.handler, handlersRoot)
        ? []
        : [
            {
              file,
              field: legacy ? `actions[${index - 1}].handler` : `flows.${trigger}.actions[${index}].handler`,
              message: `actions/${trigger}/${action.handler}.ts does not exist; write the handler or convert one ("npm run migrate-rule")`,
            },
          ],
    ),
  );
  if (missingHandlers.length > 0) return { problems: missingHandlers };
  const missingModules = Object.keys(parsed.data.modules ?? {})
    .filter((name) => !existsSync(join(handlersRoot, "modules", name, "index.ts")))
    .map((name) => ({
      file,
      field: `modules.${name}`,
      message: `actions/modules/${name}/index.ts does not exist; write the module there, or remove it from modules`,
    }));
  if (missingModules.length > 0) return { problems: missingModules };
  return { tenant: parsed.data };
}

function crossTenantProblems(tenants: Tenant[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const names = new Set(tenants.map((t) => t.name));
  for (const t of tenants) {
    if (t.promotes_from !== undefined && !names.has(t.promotes_from)) {
      problems.push({
        file: t.file,
        field: "promotes_from",
        message: `no tenant "${t.promotes_from}"; must be one of: ${[...names].join(", ")}`,
      });
    }
  }
  for (const t of tenants) {
    const seen = new Set<string>([t.name]);
    for (let cur = t.promotes_from; cur !== undefined; cur = tenants.find((x) => x.name === cur)?.promotes_from) {
      if (seen.has(cur)) {
        problems.push({ file: t.file, field: "promotes_from", message: "promotion order has a cycle" });
        break;
      }
      seen.add(cur);
    }
  }
  return problems;
}

function describe(issue: ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.received === "undefined" ? `is required (${issue.expected})` : `must be ${issue.expected}, not ${issue.received}`;
    case "invalid_enum_value":
      return `must be one of ${issue.options.map((o) => `"${String(o)}"`).join(", ")}, not "${String(issue.received)}"`;
    default:
      return issue.message;
  }
}
