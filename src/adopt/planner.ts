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
import { HANDLER_NAME } from "../names";
import type { AdoptedAction, TenantSnapshot } from "./reader";

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

/** "Notify SIEM on login" → "notify-siem-on-login"; never empty. */
export function slug(name: string): string {
  // camelCase splits; "M2M" stays one word.
  const s = name
    .replace(/([a-z])([A-Z])/g, "$1-$2")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase();
  return HANDLER_NAME.test(s) ? s : "action";
}

/** Terraform variable names for a secret: one per Action and secret, so equal names never share a value. */
export function secretEnvName(handler: string, secret: string): string {
  return `${handler.replace(/-/g, "_").toUpperCase()}_${secret.toUpperCase().replace(/[^A-Z0-9_]/g, "_")}`;
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
    const entries: ActionEntryDoc[] = [];
    const proposed: ActionEntryDoc[] = [];
    for (const binding of snapshot.bindings[trigger]) {
      const action = byId.get(binding.actionId);
      if (!action?.deployed) continue; // Auth0 binds deployed Actions only.
      bound.add(action.id);
      const { entry, proposal } = entryFor(action, trigger, binding.displayName);
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
    const identical = repo.find((r) => r.trigger === trigger && r.code === deployed.code);
    const declared = repo.find((r) => r.trigger === trigger && r.declaredName === action.name);
    const common = (handler: string): ActionEntryDoc => {
      const secrets = Object.fromEntries(deployed.secretNames.map((s) => [s, { env: secretEnvName(handler, s) }]));
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
    if (action.pendingDraft)
      summary.needingAttention.push(`${trigger}: "${action.name}" has saved changes that were never deployed; adopted as deployed`);
    if (identical) {
      uniqueHandler(trigger, identical.handler);
      summary.adopted.push(
        `${trigger}: "${action.name}" (id ${action.id}): the repository's ${identical.handler} (deployed code is byte-identical)`,
      );
      return { entry: common(identical.handler) };
    }
    const file = `actions/${trigger}/${uniqueHandler(trigger, slug(action.name))}.js`;
    files[file] = deployed.code;
    if (declared) {
      const entry = { ...common(declared.handler), adopted_code: file };
      // Keep key order stable: adopted_code just before import_id.
      const { import_id, ...rest } = entry;
      summary.adopted.push(
        `${trigger}: "${action.name}" (id ${action.id}): imported as the repository's ${declared.handler} with the tenant's code (${file})`,
      );
      summary.needingAttention.push(
        `${trigger}: "${action.name}" runs hand-made code, not the repository's ${declared.handler}: the proposed follow-up change replaces it (an in-place update)`,
      );
      const { adopted_code: _dropped, import_id: _id, ...proposal } = entry;
      return { entry: { ...rest, import_id }, proposal };
    }
    const handler = file.slice(`actions/${trigger}/`.length, -3);
    summary.adopted.push(`${trigger}: "${action.name}" (id ${action.id}): ${file}`);
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
    if (!action.deployed) summary.draftsOnly.push(`${action.trigger.id}: "${action.name}" (id ${action.id}): never deployed; not adopted`);
    else
      summary.needingAttention.push(
        `${action.trigger.id}: "${action.name}" (id ${action.id}): deployed but bound to no trigger; not adopted (bind it, or delete it)`,
      );
  }

  const rules: AdoptedScript[] = [];
  const hooks: AdoptedScript[] = [];
  const ruleNames = new Set<string>();
  for (const rule of snapshot.rules) {
    let name = `rules/${tenantName}/${slug(rule.name)}.js`;
    for (let n = 2; ruleNames.has(name); n++) name = `rules/${tenantName}/${slug(rule.name)}-${n}.js`;
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
    let name = `hooks/${tenantName}/${hook.triggerId}/${slug(hook.name)}.js`;
    for (let n = 2; hookNames.has(name); n++) name = `hooks/${tenantName}/${hook.triggerId}/${slug(hook.name)}-${n}.js`;
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
