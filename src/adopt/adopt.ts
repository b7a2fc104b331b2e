/**
 * `npm run adopt -- <tenant>`: read the live tenant (reader), decide the repository's files
 * (planner), convert its Rules with the Rule converter, and write everything for review (writer).
 * The tenant is only read; the repository is only written where nothing local would be lost.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bundlePostLoginHandler } from "../bundle/bundle-action";
import { REPO_ROOT } from "../paths";
import { CLAIMS_HANDLER } from "../config/tenant-schema";
import { DEFAULT_CLAIMS_ACTION_NAME } from "../config/claims-settings";
import { migrateRule } from "../migrate/migrate-rule";
import { RuleSyntaxError } from "../migrate/parse-rule";
import { formatMigrationReport } from "../migrate/report";
import { tenantActionEntry } from "../migrate/tenant-entry";
import { formatHookReport } from "../migrate/hook/cli";
import { HOOK_KINDS, isHookType } from "../migrate/hook/hook-types";
import { migrateHook } from "../migrate/hook/migrate-hook";
import { HookSyntaxError } from "../migrate/hook/parse-hook";
import { markdownCode, markdownText as md } from "../markdown";
import { safeFileStem, tenantPath } from "../safe-paths";
import { AdoptRefusedError, planAdoption, type AdoptionPlan, type RepositoryHandler } from "./planner";
import { readTenant, type TenantConnection } from "./reader";
import { declaresFlows, tenantFileWithFlows } from "./tenant-file";
import { writeFiles, type WriteOutcome } from "./writer";

export interface AdoptOptions {
  tenant: string;
  connection: TenantConnection;
  /** Where files are written. Default: the repository. */
  root?: string;
  /** Needed when tenants/<tenant>.yaml does not exist yet. */
  domain?: string;
  force?: boolean;
}

export interface AdoptResult {
  plan: AdoptionPlan;
  outcome: WriteOutcome;
  /** The summary as written to adopt/<tenant>/SUMMARY.md. */
  summary: string;
}

/** The handlers this repository deploys, bundled, for the byte-identical check. */
export function repositoryHandlers(root = REPO_ROOT): RepositoryHandler[] {
  const handlers: RepositoryHandler[] = [];
  const actionsDir = join(root, "actions");
  for (const trigger of readdirSync(actionsDir).sort()) {
    if (trigger === "lib" || trigger === "types" || !existsSync(join(actionsDir, trigger))) continue;
    let entries: string[];
    try {
      entries = readdirSync(join(actionsDir, trigger));
    } catch {
      continue;
    }
    for (const file of entries.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).sort()) {
      const handler = file.slice(0, -3);
      const code = bundlePostLoginHandler(handler, [], `actions/${trigger}/${file}`).code;
      handlers.push({
        trigger,
        handler,
        code,
        ...(handler === CLAIMS_HANDLER && trigger === "post-login" ? { declaredName: DEFAULT_CLAIMS_ACTION_NAME } : {}),
      });
    }
  }
  return handlers;
}

export async function adopt(options: AdoptOptions): Promise<AdoptResult> {
  const root = options.root ?? REPO_ROOT;
  // The tenant name becomes folders (rules/<tenant>/, adopt/<tenant>/) and the tenant file's name.
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(options.tenant))
    throw new AdoptRefusedError(`tenant name ${JSON.stringify(options.tenant)}: lowercase letters, digits and -, starting with a letter`);
  const snapshot = await readTenant(options.connection);
  const plan = planAdoption(snapshot, repositoryHandlers(), options.tenant);
  const files: Record<string, string> = { ...plan.files };
  await convertRules(plan, files);
  await convertHooks(plan, files);

  const tenantFile = `tenants/${options.tenant}.yaml`;
  const existing = existsSync(join(root, tenantFile)) ? readFileSync(join(root, tenantFile), "utf8") : undefined;
  const tenantText = tenantFileWithFlows(
    existing,
    plan.flows,
    {
      name: options.tenant,
      ...(options.domain ? { domain: options.domain } : {}),
    },
    tenantFile,
  );
  files[tenantFile] = tenantText;
  if (plan.proposedFlows) {
    files[`adopt/${options.tenant}/tenant.proposed.yaml`] =
      `# Proposed follow-up to the adoption of ${options.tenant}: the repository's handlers replace the hand-made code.\n` +
      `# Review, then: cp adopt/${options.tenant}/tenant.proposed.yaml ${tenantFile} && npm run plan -- ${options.tenant}\n` +
      tenantFileWithFlows(tenantText, plan.proposedFlows, { name: options.tenant }, tenantFile);
  }
  const summary = renderSummary(options.tenant, plan);
  files[`adopt/${options.tenant}/SUMMARY.md`] = summary;

  // The tenant file may gain flows without --force; flows already there are someone's work.
  const mayUpdate = new Set<string>(existing !== undefined && !declaresFlows(existing) ? [tenantFile] : []);
  const outcome = writeFiles(root, files, {
    ...(options.force ? { force: true } : {}),
    mayUpdate,
  });
  return { plan, outcome, summary };
}

/** Rules: the converter's result next to each Rule's code (in `files`), reported like `npm run migrate-rule`. */
async function convertRules(plan: AdoptionPlan, files: Record<string, string>): Promise<void> {
  const taken = new Set(
    Object.keys(files)
      .filter((f) => f.startsWith("actions/post-login/"))
      .map((f) => f.replace(/^actions\/post-login\/|\.(js|ts)$/g, "")),
  );
  taken.add(CLAIMS_HANDLER);
  for (const rule of plan.rules) {
    const stem = safeFileStem(rule.name);
    let handler = stem;
    if (taken.has(handler)) handler = `${handler}-rule`;
    for (let n = 2; taken.has(handler); n++) handler = `${stem}-rule-${n}`;
    taken.add(handler);
    const outFile = tenantPath("actions/post-login", handler, ".ts");
    try {
      const result = await migrateRule({
        source: files[rule.file],
        ruleFile: rule.file,
        handler,
      });
      files[outFile] = result.code;
      const entry = tenantActionEntry(handler, result.secrets, result.dependencies);
      files[rule.file.replace(/\.js$/, ".migration.txt")] = `${formatMigrationReport(result, { ruleFile: rule.file, outFile, entry })}\n`;
      if (result.fullyConverted)
        plan.summary.converted.push(`Rule "${md(rule.name)}" (${rule.enabled ? "enabled" : "disabled"}): ${rule.file} → ${outFile}`);
      else
        plan.summary.needingAttention.push(
          `Rule "${md(rule.name)}": ${outFile} has ${result.todos.length} MIGRATION_TODO(s) and ${result.typeProblems.length} type error(s): see ${rule.file.replace(/\.js$/, ".migration.txt")}`,
        );
    } catch (error) {
      if (!(error instanceof RuleSyntaxError)) throw error;
      plan.summary.needingAttention.push(
        `Rule "${md(rule.name)}": ${rule.file} does not parse, not converted (${md(error.message.split("\n")[0])})`,
      );
    }
  }
}

/** Hooks: the Hook converter's result (actions/<trigger>/<name>.ts, in `files`) next to each Hook's code. */
async function convertHooks(plan: AdoptionPlan, files: Record<string, string>): Promise<void> {
  for (const hook of plan.hooks) {
    const secrets =
      hook.secretNames.length > 0
        ? `; secrets ${hook.secretNames.map(markdownCode).join(", ")} (values are not readable: set them as the Action's)`
        : "";
    const report = hook.file.replace(/\.js$/, ".migration.txt");
    if (!isHookType(hook.kind)) {
      plan.summary.needingAttention.push(`Hook "${md(hook.name)}" (${hook.kind}): ${hook.file}; no converter for this Hook type${secrets}`);
      continue;
    }
    const trigger = HOOK_KINDS[hook.kind].trigger;
    const used = new Set(
      Object.keys(files)
        .filter((f) => f.startsWith(`actions/${trigger}/`))
        .map((f) => f.slice(`actions/${trigger}/`.length).replace(/\.(js|ts)$/, "")),
    );
    const stem = safeFileStem(hook.name);
    let handler = stem;
    if (used.has(handler)) handler = `${handler}-hook`;
    for (let n = 2; used.has(handler); n++) handler = `${stem}-hook-${n}`;
    const outFile = tenantPath(`actions/${trigger}`, handler, ".ts");
    try {
      const result = await migrateHook({
        source: files[hook.file],
        hookFile: hook.file,
        hookType: hook.kind,
        handler,
        options: { dependencyVersions: hook.dependencies },
      });
      files[outFile] = result.code;
      files[report] = `${formatHookReport(result, hook.file, outFile)}\n`;
      if (result.fullyConverted)
        plan.summary.converted.push(
          `Hook "${md(hook.name)}" (${hook.kind}, ${hook.enabled ? "enabled" : "disabled"}): ${hook.file} → ${outFile}${secrets}`,
        );
      else
        plan.summary.needingAttention.push(
          `Hook "${md(hook.name)}": ${outFile} has ${result.todos.length} MIGRATION_TODO(s) and ${result.typeProblems.length} type error(s): see ${report}${secrets}`,
        );
    } catch (error) {
      if (!(error instanceof HookSyntaxError)) throw error;
      plan.summary.needingAttention.push(
        `Hook "${md(hook.name)}": ${hook.file} does not parse, not converted (${md(error.message.split("\n")[0])})`,
      );
    }
  }
}

function renderSummary(tenant: string, plan: AdoptionPlan): string {
  const section = (title: string, lines: string[]) => [
    `## ${title} (${lines.length})`,
    "",
    ...(lines.length > 0 ? lines.map((l) => `- ${l}`) : ["- none"]),
    "",
  ];
  const out = [
    `# Adoption of ${tenant}`,
    "",
    ...section("Adopted", plan.summary.adopted),
    ...section("Converted", plan.summary.converted),
    ...section("Needing attention", plan.summary.needingAttention),
    ...section("Drafts only", plan.summary.draftsOnly),
    "## Next steps",
    "",
    `1. \`npm run plan -- ${tenant}\`: imports only (0 to add, 0 to change, 0 to destroy); apply it.`,
    "2. Secrets keep the values the tenant holds while an entry has `import_id`. To manage them from here, set",
    ...(plan.secretVariables.length > 0 ? plan.secretVariables.map((v) => `   \`${v}\``) : ["   (no secrets)"]),
    "   and remove that entry's `import_id` (the next plan then sends them and deploys the Action).",
    ...(plan.proposedFlows
      ? [`3. Review \`adopt/${tenant}/tenant.proposed.yaml\`: the repository's handlers replace the hand-made code, as an ordinary change.`]
      : []),
    "",
  ];
  return `${out.join("\n")}`;
}

/** The summary lines as one block, for the terminal. */
export function describeOutcome(outcome: WriteOutcome): string {
  if (outcome.conflicts.length > 0) {
    return `Nothing written: these files differ from what adopt would write (local edits, or the tenant changed):\n${outcome.conflicts
      .map((f) => `  ${f}`)
      .join("\n")}\nReview them, then re-run with --force to overwrite (git diff shows what changed).`;
  }
  const changed = [...outcome.created.map((f) => `  created ${f}`), ...outcome.updated.map((f) => `  updated ${f}`)];
  return changed.length === 0 ? `No file changed (${outcome.unchanged.length} already up to date).` : changed.join("\n");
}
