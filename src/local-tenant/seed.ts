/**
 * Pre-populates a local tenant the way a team's Dashboard would have: Actions (deployed, or a
 * draft only, or deployed with a newer draft), trigger bindings in order, and the Rules and Hooks
 * a tenant still stores. Everything goes through the models' own rules, so a seeded tenant is
 * one Auth0 could hold. A seed applies to an empty tenant only: restarting with the same seed, or
 * seeding a tenant Terraform has since changed, leaves the tenant as it is.
 *
 * File (YAML or JSON); code inline (`code`, `script`) or from a file relative to the seed file:
 *   actions:  [{ name, trigger: post-login, trigger_version?: v3, code | code_file, runtime?, dependencies?: {pkg: ver},
 *                secrets?: {NAME: value}, deployed?: true, draft_code? | draft_code_file? }]
 *   bindings: { post-login: ["<action name>", { action: "<action name>", display_name: "..." }] }
 *   rules:    [{ name, script | script_file, enabled?: false, order? }]
 *   hooks:    [{ name, triggerId, script | script_file, enabled?, dependencies?, secrets?: {NAME: value} }]
 */
import { UserFacingError } from "../errors";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ACCEPTED_TRIGGERS } from "./catalog";
import type { TenantModel } from "./model";
import type { RulesHooksModel } from "./rules-hooks";

const codeSource = {
  code: z.string().optional(),
  code_file: z.string().optional(),
};

const seedAction = z
  .object({
    name: z.string().min(1).max(100),
    trigger: z.string().refine((t) => t in ACCEPTED_TRIGGERS, {
      message: `must be one of ${Object.keys(ACCEPTED_TRIGGERS).join(", ")}`,
    }),
    trigger_version: z.string().optional(),
    ...codeSource,
    runtime: z.string().optional(),
    dependencies: z.record(z.string()).default({}),
    secrets: z.record(z.string()).default({}),
    /** false: a draft that was saved but never deployed. */
    deployed: z.boolean().default(true),
    /** Saved after the deploy: a deployed Action with undeployed changes. */
    draft_code: z.string().optional(),
    draft_code_file: z.string().optional(),
  })
  .strict();

const seedBinding = z.union([
  z.string().min(1),
  z
    .object({
      action: z.string().min(1),
      display_name: z.string().min(1).optional(),
    })
    .strict(),
]);

export const seedSchema = z
  .object({
    actions: z.array(seedAction).default([]),
    bindings: z.record(z.array(seedBinding)).default({}),
    rules: z
      .array(
        z
          .object({
            name: z.string().min(1),
            script: z.string().optional(),
            script_file: z.string().optional(),
            enabled: z.boolean().optional(),
            order: z.number().int().optional(),
          })
          .strict(),
      )
      .default([]),
    hooks: z
      .array(
        z
          .object({
            name: z.string().min(1),
            triggerId: z.string(),
            script: z.string().optional(),
            script_file: z.string().optional(),
            enabled: z.boolean().optional(),
            dependencies: z.record(z.string()).default({}),
            secrets: z.record(z.string()).default({}),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export type Seed = z.infer<typeof seedSchema>;

export class SeedError extends UserFacingError {}

/** Reads and validates a seed file; errors name the file and the field. */
export function loadSeed(file: string): { seed: Seed; baseDir: string } {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, "utf8"));
  } catch (error) {
    throw new SeedError(`${file}: ${(error as Error).message}`);
  }
  return { seed: parseSeed(raw, file), baseDir: dirname(resolve(file)) };
}

export function parseSeed(raw: unknown, source: string): Seed {
  const parsed = seedSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new SeedError(parsed.error.issues.map((i) => `${source}: ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n"));
  }
  return parsed.data;
}

export interface SeedResult {
  applied: boolean;
  /** Why nothing was applied. */
  reason?: string;
  actions: number;
  rules: number;
  hooks: number;
}

export async function applySeed(seed: Seed, baseDir: string, model: TenantModel, legacy: RulesHooksModel): Promise<SeedResult> {
  const empty = { actions: 0, rules: 0, hooks: 0 };
  if (model.listActions().length > 0 || !legacy.isEmpty()) {
    return {
      applied: false,
      reason: "the tenant already holds Actions, Rules or Hooks; a seed applies to an empty tenant only",
      ...empty,
    };
  }
  const text = (inline: string | undefined, file: string | undefined, field: string): string => {
    if (inline !== undefined && file !== undefined) throw new SeedError(`${field}: give the code inline or as a file, not both`);
    if (file !== undefined) return readFileSync(resolve(baseDir, file), "utf8");
    if (inline === undefined) throw new SeedError(`${field}: code is required (inline or as a file)`);
    return inline;
  };
  // Dashboard-made Actions were built long ago: no build delay while seeding.
  const buildMs = model.buildDurationMs;
  model.buildDurationMs = 0;
  try {
    const ids = new Map<string, string>();
    for (const [i, a] of seed.actions.entries()) {
      const action = model.createAction({
        name: a.name,
        supported_triggers: [{ id: a.trigger, version: a.trigger_version ?? ACCEPTED_TRIGGERS[a.trigger].at(-1) }],
        code: text(a.code, a.code_file, `actions[${i}].code`),
        ...(a.runtime ? { runtime: a.runtime } : {}),
        dependencies: Object.entries(a.dependencies).map(([name, version]) => ({ name, version })),
        secrets: Object.entries(a.secrets).map(([name, value]) => ({ name, value })),
      });
      ids.set(a.name, action.id);
      // The build may check dependencies asynchronously (the npm registry): wait for it, as the Dashboard did.
      await model.settled();
      if (a.deployed) model.deployAction(action.id);
      if (a.draft_code !== undefined || a.draft_code_file !== undefined) {
        model.updateAction(action.id, { code: text(a.draft_code, a.draft_code_file, `actions[${i}].draft_code`) });
        await model.settled();
      }
    }
    for (const [trigger, list] of Object.entries(seed.bindings)) {
      model.replaceBindings(
        trigger,
        list.map((b) => {
          const entry = typeof b === "string" ? { action: b } : b;
          return {
            ref: { type: "action_name", value: entry.action },
            ...(entry.display_name ? { display_name: entry.display_name } : {}),
          };
        }),
      );
    }
    seed.rules.forEach((r, i) =>
      legacy.addRule({
        name: r.name,
        script: text(r.script, r.script_file, `rules[${i}].script`),
        ...(r.enabled !== undefined ? { enabled: r.enabled } : {}),
        ...(r.order !== undefined ? { order: r.order } : {}),
      }),
    );
    seed.hooks.forEach((h, i) =>
      legacy.addHook({
        name: h.name,
        triggerId: h.triggerId,
        script: text(h.script, h.script_file, `hooks[${i}].script`),
        ...(h.enabled !== undefined ? { enabled: h.enabled } : {}),
        dependencies: h.dependencies,
        secrets: h.secrets,
      }),
    );
  } finally {
    model.buildDurationMs = buildMs;
  }
  return {
    applied: true,
    actions: seed.actions.length,
    rules: seed.rules.length,
    hooks: seed.hooks.length,
  };
}
