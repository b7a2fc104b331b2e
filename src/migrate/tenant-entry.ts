/**
 * What a converted Action needs from a tenant file: its `actions:` entry (handler, the secrets
 * it reads, each from an environment variable, and its npm dependencies), printed as a snippet
 * or written into tenants/<tenant>.yaml. The file is edited through yaml's Document API, so its
 * comments and layout survive, and the result is validated like any tenant file before it is written.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { isMap, isSeq, parseDocument, stringify, type Document, type YAMLMap } from "yaml";
import { parseTenantFile, formatProblem } from "../config/load-tenants";
import { envVarForSecret } from "./mapping";
import { UserFacingError } from "../errors";

export interface TenantActionEntry {
  handler: string;
  secrets?: Record<string, { env: string }>;
  dependencies?: Record<string, string>;
}

export function tenantActionEntry(
  handler: string,
  secrets: ReadonlyArray<{ secret: string }>,
  dependencies: Readonly<Record<string, string>>,
): TenantActionEntry {
  const entry: TenantActionEntry = { handler };
  if (secrets.length > 0) entry.secrets = Object.fromEntries(secrets.map(({ secret }) => [secret, { env: envVarForSecret(secret) }]));
  if (Object.keys(dependencies).length > 0) entry.dependencies = { ...dependencies };
  return entry;
}

/** The entry as it reads in a tenant file, under `actions:`. */
export function renderTenantSnippet(entry: TenantActionEntry): string {
  const doc = parseDocument(stringify({ actions: [entry] }));
  flowSecrets(doc);
  return doc.toString();
}

export class TenantFileError extends UserFacingError {
  constructor(message: string) {
    super(message);
    this.name = "TenantFileError";
  }
}

/**
 * Adds the entry to the tenant file's flow for `trigger` (`flows.<trigger>.actions`, or the legacy
 * `actions:` list of a file not yet migrated to flows, for post-login), or replaces the entry with
 * the same handler, keeping everything else as it was. Throws TenantFileError, writing nothing,
 * when the result would not be a valid tenant file (`handlersRoot`: the folder of the <trigger>/
 * handler folders, the stacks' by default).
 */
export function writeTenantEntry(
  file: string,
  entry: TenantActionEntry,
  handlersRoot?: string,
  trigger = "post-login",
): "added" | "updated" {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new TenantFileError(`${file}: tenant file not found; create it first (see README "Tenant files")`);
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new TenantFileError(`${file}: not valid YAML: ${doc.errors[0].message.split("\n")[0]}`);
  if (!isMap(doc.contents)) throw new TenantFileError(`${file}: a tenant file is a mapping (domain:, claims:, ...)`);

  const legacy = !doc.has("flows") && trigger === "post-login";
  const path = legacy ? ["actions"] : ["flows", trigger, "actions"];
  if (!legacy && !doc.hasIn(["flows", trigger])) doc.setIn(["flows", trigger], doc.createNode({ mode: "append", actions: [] }));
  const node = doc.createNode(entry);
  let outcome: "added" | "updated" = "added";
  const actions = doc.getIn(path, true);
  if (actions === undefined || actions === null) {
    doc.setIn(path, doc.createNode([entry]));
  } else if (isSeq(actions)) {
    const index = actions.items.findIndex((item) => isMap(item) && item.get("handler") === entry.handler);
    if (index >= 0) {
      const previous = actions.items[index] as YAMLMap;
      (node as YAMLMap).commentBefore = previous.commentBefore;
      actions.items[index] = node;
      outcome = "updated";
    } else {
      actions.items.push(node);
    }
    // `actions: []` was written in flow style; a list of entries reads better as a block.
    actions.flow = false;
  } else {
    throw new TenantFileError(`${file}: ${path.join(".")}: must be a list`);
  }
  flowSecrets(doc, path);

  const updated = doc.toString();
  const checked = parseTenantFile(file, updated, handlersRoot);
  if ("problems" in checked) {
    throw new TenantFileError(
      `${file} would not be a valid tenant file with this entry; nothing written:\n${checked.problems.map(formatProblem).join("\n")}`,
    );
  }
  writeFileSync(file, updated);
  return outcome;
}

/** `SECRET: { env: VAR }` on one line, as the README writes it. */
function flowSecrets(doc: Document, path: readonly string[] = ["actions"]): void {
  const actions = doc.getIn(path, true);
  if (!isSeq(actions)) return;
  for (const item of actions.items) {
    if (!isMap(item)) continue;
    const secrets = item.get("secrets", true);
    if (!isMap(secrets)) continue;
    for (const pair of secrets.items) if (isMap(pair.value)) pair.value.flow = true;
  }
}
