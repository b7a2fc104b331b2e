/**
 * Turns a tenant snapshot into the repository's files (pure: no I/O, no clock): the tenant file's
 * `flows:` with an entry per bound Action (import_id, secret names with env: placeholders,
 * dependencies, runtime), each Action's deployed code as a handler file (or the repository's own
 * handler when the code is byte-identical), each Rule's and Hook's code, and a summary.
 *
 * An adopted Action whose name is one this repository declares (the hand-fixed forum Action
 * named like the Rule) is imported under the repository's handler with `adopted_code` pointing at
 * the tenant's code, so the first plan changes nothing; removing `adopted_code` and `import_id`
 * later is an ordinary in-place update to the repository's code (proposed as a separate file).
 */
import { createHash } from "node:crypto";
import validateNpmPackageName from "validate-npm-package-name";
import { UserFacingError } from "../errors";
import { markdownText as md } from "../markdown";
import { actionEntrySchema } from "../config/tenant-schema";
import { DEPENDENCY_VERSION, ENV_VAR_NAME, isPinnedVersion, SECRET_NAME } from "../names";
import { safeFileStem, tenantPath } from "../safe-paths";
import { HOOK_TRIGGERS, isTriggerId, TRIGGER_IDS } from "../triggers";
import type { AdoptedAction, TenantSnapshot } from "./reader";

/** Something in the tenant adopt cannot turn into repository files safely: names the item, the field and what is allowed. */
export class AdoptRefusedError extends UserFacingError {}

export interface RepositoryHandler {
  trigger: string;
  handler: string;
  /** The code this repository deploys for it (bundled), for the byte-identical check. */
  code: string;
  /** The Action name this repository gives it, when it declares one by default. */
  declaredName?: string;
}

export interface AdoptionPlan {
  /** Repository-relative path → content. Written as a set; the tenant file is among them. */
  files: Record<string, string>;
  /** `flows:` for the tenant file. */
  flows: Record<string, FlowDoc>;
  /** The tenant file after the proposed follow-up change (repository handlers replace adopted code), if any. */
  proposedFlows?: Record<string, FlowDoc>;
  summary: AdoptionSummary;
  rules: AdoptedScript[];
  hooks: AdoptedScript[];
  /** TF_VAR_* to set before the Actions' secrets are managed by Terraform. */
  secretVariables: string[];
}

export interface AdoptionSummary {
  adopted: string[];
  /** Rules/Hooks converted into Action handlers (fully). */
  converted: string[];
  needingAttention: string[];
  draftsOnly: string[];
}

export interface FlowDoc {
  mode: "append";
  import_bindings: true;
  actions: ActionEntryDoc[];
}

export interface ActionEntryDoc {
  handler: string;
  name?: string;
  display_name?: string;
  runtime?: string;
  secrets?: Record<string, { env: string }>;
  dependencies?: Record<string, string>;
  adopted_code?: string;
  /** Absent only in the proposed follow-up, where Terraform already holds the Action. */
  import_id?: string;
}

export interface AdoptedScript {
  /** Repository-relative path of the Rule's or Hook's code. */
  file: string;
  name: string;
  enabled: boolean;
  /** Hooks: the trigger; Rules: "rule". */
  kind: string;
  secretNames: string[];
  dependencies: Record<string, string>;
}

export const DEFAULT_RUNTIME = "node22";

/**
 * The environment variable (TF_VAR_<name>) carrying a secret's value: <HANDLER>_<SECRET> in
 * UPPER_SNAKE_CASE, one per Action and secret so equal names never share a value. Secret names may
 * be mixed case (mySecret → MY_SECRET); `taken` holds the names already given in this tenant: a
 * second name that maps to the same variable (mySecret and MY_SECRET) gets a short hash of the
 * secret's own name, so the mapping stays one to one and the same for the same tenant.
 */
export function secretEnvName(handler: string, secret: string, taken: ReadonlySet<string> = new Set()): string {
  const upper = (text: string) =>
    text
      .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
      .replace(/[^A-Za-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .toUpperCase();
  const name = `${upper(handler)}_${upper(secret) || "SECRET"}`;
  const unique = taken.has(name) ? `${name}_${createHash("sha256").update(secret).digest("hex").slice(0, 6).toUpperCase()}` : name;
  if (!ENV_VAR_NAME.test(unique))
    throw new AdoptRefusedError(`cannot make an environment variable name for secret ${JSON.stringify(secret)}`);
  return unique;
}

/** The entry as the tenant file's schema reads it: anything it would refuse (a runtime, a name too long) stops adopt here, named. */
function checkEntry(entry: ActionEntryDoc, action: AdoptedAction, trigger: string): void {
  const parsed = actionEntrySchema.safeParse(entry);
  if (parsed.success) return;
  const issue = parsed.error.issues[0];
  throw new AdoptRefusedError(
    `${trigger}: Action ${JSON.stringify(action.name)} (id ${action.id}): ${issue.path.join(".")}: ${issue.message}; ` +
      "a tenant file cannot declare it as the tenant has it: change it in the tenant, then adopt again",
  );
}

/** Refuses what the tenant file's schema would refuse, naming the Action and the field, before anything is written. */
function checkActionVersion(action: AdoptedAction, trigger: string): void {
  const deployed = action.deployed!;
  const where = `${trigger}: Action ${JSON.stringify(action.name)} (id ${action.id})`;
  for (const secret of deployed.secretNames) {
    if (!SECRET_NAME.test(secret))
      throw new AdoptRefusedError(
        `${where}: secrets[].name ${JSON.stringify(secret.slice(0, 140))} cannot be declared in a tenant file: ` +
          "secret names must be letters, digits and _ (not starting with a digit), at most 128 characters. Rename the secret in the tenant (and in the code), then adopt again",
      );
  }
  for (const { name, version } of deployed.dependencies) {
    if (!validateNpmPackageName(name).validForOldPackages)
      throw new AdoptRefusedError(`${where}: dependencies[].name ${JSON.stringify(name.slice(0, 140))} is not an npm package name`);
    if (!DEPENDENCY_VERSION.test(version))
      throw new AdoptRefusedError(
        `${where}: dependencies[].version ${JSON.stringify(version.slice(0, 140))} of ${name} is not a version tenant files accept ` +
          '(an exact version such as 1.2.3, a range such as ^1.2.3, or a dist-tag such as "latest")',
      );
  }
}

export function planAdoption(snapshot: TenantSnapshot, repo: readonly RepositoryHandler[], tenantName: string): AdoptionPlan {
  const files: Record<string, string> = {};
  const summary: AdoptionSummary = {
    adopted: [],
    converted: [],
    needingAttention: [],
    draftsOnly: [],
  };
  const secretVariables = new Set<string>();
  const envNames = new Set<string>();
  const flows: Record<string, FlowDoc> = {};
  const proposedFlows: Record<string, FlowDoc> = {};
  let proposes = false;
  const usedHandlers = new Map<string, Set<string>>();
  const byId = new Map(snapshot.actions.map((a) => [a.id, a]));
  const bound = new Set<string>();

  const uniqueHandler = (trigger: string, wanted: string) => {
    const used = usedHandlers.get(trigger) ?? new Set(repo.filter((r) => r.trigger === trigger).map((r) => r.handler));
    usedHandlers.set(trigger, used);
    let name = wanted;
    for (let n = 2; used.has(name); n++) name = `${wanted}-${n}`;
    used.add(name);
    return name;
  };

  for (const trigger of Object.keys(snapshot.bindings).sort()) {
    if (!isTriggerId(trigger))
      throw new AdoptRefusedError(
        `the tenant binds Actions to trigger ${JSON.stringify(String(trigger).slice(0, 100))}, not one this repository declares; adopt accepts ${TRIGGER_IDS.join(", ")} (src/triggers.ts)`,
      );
    const entries: ActionEntryDoc[] = [];
    const proposed: ActionEntryDoc[] = [];
    for (const binding of snapshot.bindings[trigger]) {
      const action = byId.get(binding.actionId);
      if (!action?.deployed) continue; // Auth0 binds deployed Actions only.
      bound.add(action.id);
      const { entry, proposal } = entryFor(action, trigger, binding.displayName);
      checkEntry(entry, action, trigger);
      entries.push(entry);
      proposed.push(proposal ?? entry);
      if (proposal) proposes = true;
    }
    flows[trigger] = {
      mode: "append",
      import_bindings: true,
      actions: entries,
    };
    proposedFlows[trigger] = {
      mode: "append",
      import_bindings: true,
      actions: proposed,
    };
  }

  function entryFor(action: AdoptedAction, trigger: string, displayName: string): { entry: ActionEntryDoc; proposal?: ActionEntryDoc } {
    const deployed = action.deployed!;
    checkActionVersion(action, trigger);
    const identical = repo.find((r) => r.trigger === trigger && r.code === deployed.code);
    const declared = repo.find((r) => r.trigger === trigger && r.declaredName === action.name);
    const common = (handler: string): ActionEntryDoc => {
      const secrets = Object.fromEntries(
        deployed.secretNames.map((s) => {
          const env = secretEnvName(handler, s, envNames);
          envNames.add(env);
          return [s, { env }];
        }),
      );
      for (const s of Object.values(secrets)) secretVariables.add(`TF_VAR_${s.env}`);
      return {
        handler,
        ...(declared && declared.handler === handler ? {} : { name: action.name }),
        ...(displayName !== action.name ? { display_name: displayName } : {}),
        ...(deployed.runtime !== DEFAULT_RUNTIME ? { runtime: deployed.runtime } : {}),
        ...(deployed.secretNames.length > 0 ? { secrets } : {}),
        ...(deployed.dependencies.length > 0
          ? {
              dependencies: Object.fromEntries(deployed.dependencies.map((d) => [d.name, d.version])),
            }
          : {}),
        import_id: action.id,
      };
    };
    const title = `${trigger}: "${md(action.name)}"`;
    if (action.pendingDraft) summary.needingAttention.push(`${title} has saved changes that were never deployed; adopted as deployed`);
    const unpinned = deployed.dependencies.filter((d) => !isPinnedVersion(d.version));
    if (unpinned.length > 0)
      summary.needingAttention.push(
        `${title}: ${unpinned.map((d) => `${md(d.name)} ${md(d.version)}`).join(", ")} not pinned: Auth0 installed whatever the version ` +
          "resolved to when the Action was built, and a rebuild may install another. Adopted as the tenant has it; pin an exact version " +
          "in the tenant file when you next change this Action",
      );
    if (identical) {
      uniqueHandler(trigger, identical.handler);
      summary.adopted.push(`${title} (id ${md(action.id)}): the repository's ${identical.handler} (deployed code is byte-identical)`);
      return { entry: common(identical.handler) };
    }
    const file = tenantPath(`actions/${trigger}`, uniqueHandler(trigger, safeFileStem(action.name)), ".js");
    files[file] = deployed.code;
    if (declared) {
      const entry = { ...common(declared.handler), adopted_code: file };
      // Keep key order stable: adopted_code just before import_id.
      const { import_id, ...rest } = entry;
      summary.adopted.push(
        `${title} (id ${md(action.id)}): imported as the repository's ${declared.handler} with the tenant's code (${file})`,
      );
      summary.needingAttention.push(
        `${title} runs hand-made code, not the repository's ${declared.handler}: the proposed follow-up change replaces it (an in-place update)`,
      );
      const { adopted_code: _dropped, import_id: _id, ...proposal } = entry;
      return { entry: { ...rest, import_id }, proposal };
    }
    const handler = file.slice(`actions/${trigger}/`.length, -3);
    summary.adopted.push(`${title} (id ${md(action.id)}): ${file}`);
    return { entry: common(handler) };
  }

  // The repository's declared Actions the tenant does not run yet: the follow-up adds them (creates).
  for (const declared of repo.filter((r) => r.declaredName !== undefined)) {
    if (flows[declared.trigger]?.actions.some((a) => a.handler === declared.handler)) continue;
    summary.needingAttention.push(
      `${declared.trigger}: the tenant does not run this repository's ${declared.handler}; tenant files bind it, so the tenant file ` +
        "needs it before the first plan (which then also creates it), or adopt the tenant first with the entry added by the proposed follow-up",
    );
    const flow = proposedFlows[declared.trigger] ?? { mode: "append" as const, import_bindings: true as const, actions: [] };
    proposedFlows[declared.trigger] = { ...flow, actions: [...flow.actions, { handler: declared.handler }] };
    proposes = true;
  }

  for (const action of snapshot.actions) {
    if (bound.has(action.id)) continue;
    const title = `${md(action.trigger.id)}: "${md(action.name)}" (id ${md(action.id)})`;
    if (!action.deployed) summary.draftsOnly.push(`${title}: never deployed; not adopted`);
    else summary.needingAttention.push(`${title}: deployed but bound to no trigger; not adopted (bind it, or delete it)`);
  }

  const rules: AdoptedScript[] = [];
  const hooks: AdoptedScript[] = [];
  const ruleNames = new Set<string>();
  for (const rule of snapshot.rules) {
    const stem = safeFileStem(rule.name);
    let name = tenantPath(`rules/${tenantName}`, stem, ".js");
    for (let n = 2; ruleNames.has(name); n++) name = tenantPath(`rules/${tenantName}`, `${stem}-${n}`, ".js");
    ruleNames.add(name);
    files[name] = rule.script;
    rules.push({
      file: name,
      name: rule.name,
      enabled: rule.enabled,
      kind: "rule",
      secretNames: [],
      dependencies: {},
    });
  }
  const hookNames = new Set<string>();
  for (const hook of snapshot.hooks) {
    // The trigger id becomes a folder: only Auth0's Hook extensibility points are accepted.
    if (!(HOOK_TRIGGERS as readonly string[]).includes(hook.triggerId))
      throw new AdoptRefusedError(
        `Hook ${JSON.stringify(hook.name.slice(0, 100))} (id ${hook.id}): triggerId ${JSON.stringify(String(hook.triggerId).slice(0, 100))} is not a Hook trigger; ` +
          `adopt accepts ${HOOK_TRIGGERS.join(", ")}`,
      );
    const stem = safeFileStem(hook.name);
    let name = tenantPath(`hooks/${tenantName}/${hook.triggerId}`, stem, ".js");
    for (let n = 2; hookNames.has(name); n++) name = tenantPath(`hooks/${tenantName}/${hook.triggerId}`, `${stem}-${n}`, ".js");
    hookNames.add(name);
    files[name] = hook.script;
    hooks.push({
      file: name,
      name: hook.name,
      enabled: hook.enabled,
      kind: hook.triggerId,
      secretNames: hook.secretNames,
      dependencies: hook.dependencies,
    });
  }

  return {
    files,
    flows,
    ...(proposes ? { proposedFlows } : {}),
    summary,
    rules,
    hooks,
    secretVariables: [...secretVariables].sort(),
  };
}
