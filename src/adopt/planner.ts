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
  const plan = new AdoptionPlanner(snapshot, repo);
  plan.adoptBoundActions();
  plan.proposeDeclaredActions();
  plan.noteUnboundActions();
  const rules = plan.adoptRules(tenantName);
  const hooks = plan.adoptHooks(tenantName);
  return {
    files: plan.files,
    flows: plan.flows,
    ...(plan.proposes ? { proposedFlows: plan.proposedFlows } : {}),
    summary: plan.summary,
    rules,
    hooks,
    secretVariables: [...plan.secretVariables].sort(),
  };
}

/** The plan as it is built: each step adds files, flow entries and summary lines, in the order they are written. */
class AdoptionPlanner {
  readonly files: Record<string, string> = {};
  readonly summary: AdoptionSummary = {
    adopted: [],
    converted: [],
    needingAttention: [],
    draftsOnly: [],
  };
  readonly secretVariables = new Set<string>();
  readonly flows: Record<string, FlowDoc> = {};
  readonly proposedFlows: Record<string, FlowDoc> = {};
  proposes = false;
  private readonly envNames = new Set<string>();
  private readonly usedHandlers = new Map<string, Set<string>>();
  private readonly byId: Map<string, AdoptedAction>;
  private readonly bound = new Set<string>();

  constructor(
    private readonly snapshot: TenantSnapshot,
    private readonly repo: readonly RepositoryHandler[],
  ) {
    this.byId = new Map(snapshot.actions.map((a) => [a.id, a]));
  }

  /** `wanted`, or `wanted-2`, `-3`…: a handler name no other handler of the trigger (the repository's included) has. */
  private uniqueHandler(trigger: string, wanted: string): string {
    const used = this.usedHandlers.get(trigger) ?? new Set(this.repo.filter((r) => r.trigger === trigger).map((r) => r.handler));
    this.usedHandlers.set(trigger, used);
    let name = wanted;
    for (let n = 2; used.has(name); n++) name = `${wanted}-${n}`;
    used.add(name);
    return name;
  }

  /** One append flow per trigger with bindings: an entry per bound, deployed Action, in flow order. */
  adoptBoundActions(): void {
    for (const trigger of Object.keys(this.snapshot.bindings).sort()) {
      if (!isTriggerId(trigger))
        throw new AdoptRefusedError(
          `the tenant binds Actions to trigger ${JSON.stringify(String(trigger).slice(0, 100))}, not one this repository declares; adopt accepts ${TRIGGER_IDS.join(", ")} (src/triggers.ts)`,
        );
      const entries: ActionEntryDoc[] = [];
      const proposed: ActionEntryDoc[] = [];
      for (const binding of this.snapshot.bindings[trigger]) {
        const action = this.byId.get(binding.actionId);
        if (!action?.deployed) continue; // Auth0 binds deployed Actions only.
        this.bound.add(action.id);
        const { entry, proposal } = this.entryFor(action, trigger, binding.displayName);
        checkEntry(entry, action, trigger);
        entries.push(entry);
        proposed.push(proposal ?? entry);
        if (proposal) this.proposes = true;
      }
      this.flows[trigger] = {
        mode: "append",
        import_bindings: true,
        actions: entries,
      };
      this.proposedFlows[trigger] = {
        mode: "append",
        import_bindings: true,
        actions: proposed,
      };
    }
  }

  /**
   * The flow entry of a bound Action: the repository's handler when its code is byte-identical; the
   * repository's declared handler with `adopted_code` (and a proposal without it) when the name is one
   * the repository declares; else the tenant's code as a new handler file.
   */
  private entryFor(action: AdoptedAction, trigger: string, displayName: string): { entry: ActionEntryDoc; proposal?: ActionEntryDoc } {
    const deployed = action.deployed!;
    checkActionVersion(action, trigger);
    const identical = this.repo.find((r) => r.trigger === trigger && r.code === deployed.code);
    const declared = this.repo.find((r) => r.trigger === trigger && r.declaredName === action.name);
    const common = (handler: string) => this.entryFields(action, handler, displayName, declared);
    const title = `${trigger}: "${md(action.name)}"`;
    this.noteDeployedState(action, title);
    if (identical) {
      this.uniqueHandler(trigger, identical.handler);
      this.summary.adopted.push(`${title} (id ${md(action.id)}): the repository's ${identical.handler} (deployed code is byte-identical)`);
      return { entry: common(identical.handler) };
    }
    const file = tenantPath(`actions/${trigger}`, this.uniqueHandler(trigger, safeFileStem(action.name)), ".js");
    this.files[file] = deployed.code;
    if (declared) {
      const entry = { ...common(declared.handler), adopted_code: file };
      // Keep key order stable: adopted_code just before import_id.
      const { import_id, ...rest } = entry;
      this.summary.adopted.push(
        `${title} (id ${md(action.id)}): imported as the repository's ${declared.handler} with the tenant's code (${file})`,
      );
      this.summary.needingAttention.push(
        `${title} runs hand-made code, not the repository's ${declared.handler}: the proposed follow-up change replaces it (an in-place update)`,
      );
      const { adopted_code: _dropped, import_id: _id, ...proposal } = entry;
      return { entry: { ...rest, import_id }, proposal };
    }
    const handler = file.slice(`actions/${trigger}/`.length, -3);
    this.summary.adopted.push(`${title} (id ${md(action.id)}): ${file}`);
    return { entry: common(handler) };
  }

  /** The entry's fields as the tenant has the Action: names, runtime, secrets (an env: per secret), dependencies, import_id. */
  private entryFields(
    action: AdoptedAction,
    handler: string,
    displayName: string,
    declared: RepositoryHandler | undefined,
  ): ActionEntryDoc {
    const deployed = action.deployed!;
    const secrets = Object.fromEntries(
      deployed.secretNames.map((s) => {
        const env = secretEnvName(handler, s, this.envNames);
        this.envNames.add(env);
        return [s, { env }];
      }),
    );
    for (const s of Object.values(secrets)) this.secretVariables.add(`TF_VAR_${s.env}`);
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
  }

  /** Saved but undeployed changes, and dependencies not pinned to an exact version: adopted as deployed, named in the summary. */
  private noteDeployedState(action: AdoptedAction, title: string): void {
    if (action.pendingDraft) this.summary.needingAttention.push(`${title} has saved changes that were never deployed; adopted as deployed`);
    const unpinned = action.deployed!.dependencies.filter((d) => !isPinnedVersion(d.version));
    if (unpinned.length > 0)
      this.summary.needingAttention.push(
        `${title}: ${unpinned.map((d) => `${md(d.name)} ${md(d.version)}`).join(", ")} not pinned: Auth0 installed whatever the version ` +
          "resolved to when the Action was built, and a rebuild may install another. Adopted as the tenant has it; pin an exact version " +
          "in the tenant file when you next change this Action",
      );
  }

  /** The repository's declared Actions the tenant does not run yet: the follow-up adds them (creates). */
  proposeDeclaredActions(): void {
    for (const declared of this.repo.filter((r) => r.declaredName !== undefined)) {
      if (this.flows[declared.trigger]?.actions.some((a) => a.handler === declared.handler)) continue;
      this.summary.needingAttention.push(
        `${declared.trigger}: the tenant does not run this repository's ${declared.handler}; tenant files bind it, so the tenant file ` +
          "needs it before the first plan (which then also creates it), or adopt the tenant first with the entry added by the proposed follow-up",
      );
      const flow = this.proposedFlows[declared.trigger] ?? { mode: "append" as const, import_bindings: true as const, actions: [] };
      this.proposedFlows[declared.trigger] = { ...flow, actions: [...flow.actions, { handler: declared.handler }] };
      this.proposes = true;
    }
  }

  /** Actions no flow binds are not adopted: drafts, and deployed but unbound ones, each named. */
  noteUnboundActions(): void {
    for (const action of this.snapshot.actions) {
      if (this.bound.has(action.id)) continue;
      const title = `${md(action.trigger.id)}: "${md(action.name)}" (id ${md(action.id)})`;
      if (!action.deployed) this.summary.draftsOnly.push(`${title}: never deployed; not adopted`);
      else this.summary.needingAttention.push(`${title}: deployed but bound to no trigger; not adopted (bind it, or delete it)`);
    }
  }

  /** Each Rule's code under rules/<tenant>/, one file per Rule. */
  adoptRules(tenantName: string): AdoptedScript[] {
    const rules: AdoptedScript[] = [];
    const ruleNames = new Set<string>();
    for (const rule of this.snapshot.rules) {
      const stem = safeFileStem(rule.name);
      let name = tenantPath(`rules/${tenantName}`, stem, ".js");
      for (let n = 2; ruleNames.has(name); n++) name = tenantPath(`rules/${tenantName}`, `${stem}-${n}`, ".js");
      ruleNames.add(name);
      this.files[name] = rule.script;
      rules.push({
        file: name,
        name: rule.name,
        enabled: rule.enabled,
        kind: "rule",
        secretNames: [],
        dependencies: {},
      });
    }
    return rules;
  }

  /** Each Hook's code under hooks/<tenant>/<trigger>/, one file per Hook; a trigger that is no Hook trigger is refused. */
  adoptHooks(tenantName: string): AdoptedScript[] {
    const hooks: AdoptedScript[] = [];
    const hookNames = new Set<string>();
    for (const hook of this.snapshot.hooks) {
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
      this.files[name] = hook.script;
      hooks.push({
        file: name,
        name: hook.name,
        enabled: hook.enabled,
        kind: hook.triggerId,
        secretNames: hook.secretNames,
        dependencies: hook.dependencies,
      });
    }
    return hooks;
  }
}
