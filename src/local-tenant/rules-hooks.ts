/**
 * Rules and Hooks of the local tenant: Auth0's retired extensibility, kept because real tenants
 * still store them (Rules stopped executing on 2026-11-18; Hooks were retired before). Nothing
 * here runs them; the local tenant only stores and serves them the way the Management API does,
 * so that `npm run adopt` can read a tenant that still has them. Persisted next to tenant.json in
 * rules-hooks.json, so the Actions model stays as it is.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { JsonStore } from "./store";
import { TenantError } from "./errors";
import { HOOK_TRIGGERS } from "../triggers";

export interface RuleRecord {
  id: string;
  name: string;
  enabled: boolean;
  script: string;
  order: number;
  stage: "login_success";
}

export interface HookSecret {
  name: string;
  /** Kept only as Auth0 keeps it; the API answers with "_VALUE_NOT_SHOWN_". */
  value: string;
}

export interface HookRecord {
  id: string;
  name: string;
  triggerId: string;
  enabled: boolean;
  script: string;
  dependencies: Record<string, string>;
  secrets: HookSecret[];
}

export interface RulesHooksState {
  rules: RuleRecord[];
  hooks: HookRecord[];
}

/** What Auth0 answers instead of a Hook secret's value. */
export const HOOK_SECRET_MASK = "_VALUE_NOT_SHOWN_";

export interface RuleInput {
  name: string;
  script: string;
  enabled?: boolean;
  order?: number;
}

export interface HookInput {
  name: string;
  triggerId: string;
  script: string;
  enabled?: boolean;
  dependencies?: Record<string, string>;
  secrets?: Record<string, string>;
}

export class RulesHooksModel {
  private state: RulesHooksState;

  constructor(
    private readonly store?: JsonStore<RulesHooksState>,
    private readonly newId: { rule: () => string; hook: () => string } = {
      rule: () => `rul_${randomBytes(8).toString("hex")}`,
      hook: randomUUID,
    },
  ) {
    this.state = store?.load() ?? { rules: [], hooks: [] };
  }

  isEmpty(): boolean {
    return this.state.rules.length === 0 && this.state.hooks.length === 0;
  }

  /** Sorted by `order`, as the Dashboard and the API list them. */
  listRules(filter: { enabled?: boolean } = {}): RuleRecord[] {
    return [...this.state.rules]
      .filter((r) => filter.enabled === undefined || r.enabled === filter.enabled)
      .sort((a, b) => a.order - b.order);
  }

  getRule(id: string): RuleRecord {
    const rule = this.state.rules.find((r) => r.id === id);
    if (!rule) throw new TenantError(404, "inexistent_rule", "The rule does not exist.");
    return rule;
  }

  listHooks(filter: { enabled?: boolean; triggerId?: string } = {}): HookRecord[] {
    return this.state.hooks.filter(
      (h) =>
        (filter.enabled === undefined || h.enabled === filter.enabled) &&
        (filter.triggerId === undefined || h.triggerId === filter.triggerId),
    );
  }

  getHook(id: string): HookRecord {
    const hook = this.state.hooks.find((h) => h.id === id);
    if (!hook) throw new TenantError(404, "inexistent_hook", "The hook does not exist.");
    return hook;
  }

  /** Auth0 no longer lets a tenant create Rules or Hooks; only a seed (a tenant's past) does. */
  addRule(input: RuleInput): RuleRecord {
    if (this.state.rules.some((r) => r.name === input.name))
      throw new TenantError(409, "conflict", `A rule with name "${input.name}" already exists.`);
    const order = input.order ?? Math.max(0, ...this.state.rules.map((r) => r.order)) + 1;
    const rule: RuleRecord = {
      id: this.newId.rule(),
      name: input.name,
      enabled: input.enabled ?? false,
      script: input.script,
      order,
      stage: "login_success",
    };
    this.state.rules.push(rule);
    this.save();
    return rule;
  }

  addHook(input: HookInput): HookRecord {
    if (!(HOOK_TRIGGERS as readonly string[]).includes(input.triggerId)) {
      throw new TenantError(400, "invalid_body", `Payload validation error: 'triggerId' must be one of ${HOOK_TRIGGERS.join(", ")}.`);
    }
    if (this.state.hooks.some((h) => h.name === input.name))
      throw new TenantError(409, "conflict", `A hook with name "${input.name}" already exists.`);
    const hook: HookRecord = {
      id: this.newId.hook(),
      name: input.name,
      triggerId: input.triggerId,
      enabled: input.enabled ?? false,
      script: input.script,
      dependencies: { ...(input.dependencies ?? {}) },
      secrets: Object.entries(input.secrets ?? {}).map(([name, value]) => ({
        name,
        value,
      })),
    };
    this.state.hooks.push(hook);
    this.save();
    return hook;
  }

  private save(): void {
    this.store?.save(this.state);
  }
}
