/**
 * GET routes of the Management API for Rules and Hooks (read-only: Auth0 no longer creates them).
 * Shapes as Auth0 documents them: a plain array unless `include_totals=true`, then
 * {<key>, start, limit, total}; `fields`/`include_fields` select fields; `page`/`per_page` page.
 */
import { errorBody, TenantError } from "../errors";
import { HOOK_SECRET_MASK, type HookRecord, type RuleRecord } from "../rules-hooks";
import { applySeed, parseSeed, SeedError } from "../seed";
import type { Req, RouteArea } from "./context";

function ruleView(r: RuleRecord) {
  return {
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    script: r.script,
    order: r.order,
    stage: r.stage,
  };
}

function hookView(h: HookRecord) {
  return {
    triggerId: h.triggerId,
    id: h.id,
    name: h.name,
    enabled: h.enabled,
    script: h.script,
    dependencies: h.dependencies,
  };
}

function queryInteger(raw: string | undefined, name: string, min: number, max: number): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new TenantError(400, "invalid_query_string", `Query validation error: '${name}' must be an integer between ${min} and ${max}.`);
  }
  return n;
}

function queryBoolean(raw: string | undefined, name: string): boolean | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (raw !== "true" && raw !== "false")
    throw new TenantError(400, "invalid_query_string", `Query validation error: '${name}' must be a boolean.`);
  return raw === "true";
}

/** `fields=a,b` with `include_fields` (default true) keeps or drops those fields. */
function selectFields<T extends Record<string, unknown>>(item: T, query: Record<string, string>): Partial<T> {
  if (!query.fields) return item;
  const fields = new Set(query.fields.split(",").map((f) => f.trim()));
  const include = queryBoolean(query.include_fields, "include_fields") ?? true;
  return Object.fromEntries(Object.entries(item).filter(([key]) => fields.has(key) === include)) as Partial<T>;
}

function list<T extends Record<string, unknown>>(key: string, items: T[], query: Record<string, string>): unknown {
  const page = queryInteger(query.page, "page", 0, 100_000);
  const perPage = queryInteger(query.per_page, "per_page", 1, 100) ?? 50;
  const start = (page ?? 0) * perPage;
  // Without page or per_page Auth0 returns everything (up to its own cap).
  const slice = page === undefined && query.per_page === undefined ? items : items.slice(start, start + perPage);
  const shown = slice.map((item) => selectFields(item, query));
  if (queryBoolean(query.include_totals, "include_totals")) return { [key]: shown, start, limit: perPage, total: items.length };
  return shown;
}

export const rulesHooksRoutes: RouteArea = (app, ctx) => {
  const model = ctx.rulesHooks;
  // Synchronous handlers: a model error thrown here reaches the error handler like an async one's.
  app.get("/api/v2/rules", (request: Req, reply) => {
    const enabled = queryBoolean(request.query.enabled, "enabled");
    return reply.send(list("rules", model.listRules(enabled === undefined ? {} : { enabled }).map(ruleView), request.query));
  });
  app.get("/api/v2/rules/:id", (request: Req, reply) =>
    reply.send(selectFields(ruleView(model.getRule(request.params.id)), request.query)),
  );

  app.get("/api/v2/hooks", (request: Req, reply) => {
    const enabled = queryBoolean(request.query.enabled, "enabled");
    const filter = {
      ...(enabled === undefined ? {} : { enabled }),
      ...(request.query.triggerId ? { triggerId: request.query.triggerId } : {}),
    };
    return reply.send(list("hooks", model.listHooks(filter).map(hookView), request.query));
  });
  app.get("/api/v2/hooks/:id", (request: Req, reply) =>
    reply.send(selectFields(hookView(model.getHook(request.params.id)), request.query)),
  );
  // Secret values never leave Auth0: names only, each value masked.
  app.get("/api/v2/hooks/:id/secrets", (request: Req, reply) =>
    reply.send(Object.fromEntries(model.getHook(request.params.id).secrets.map((s) => [s.name, HOOK_SECRET_MASK]))),
  );
};

/**
 * POST /local/seed (same bearer token as the Management API): a seed document as the body,
 * applied to an empty tenant (201), or left alone when the tenant holds anything (200, applied false).
 */
export const seedRoutes: RouteArea = (app, { model, rulesHooks }) => {
  app.post("/local/seed", async (request, reply) => {
    let seed;
    try {
      seed = parseSeed(request.body, "seed");
    } catch (error) {
      if (error instanceof SeedError) return reply.code(400).send(errorBody(400, error.message, "invalid_body"));
      throw error;
    }
    // Code comes inline over the wire: no file is read relative to the server's directory.
    if ([...seed.actions, ...seed.rules, ...seed.hooks].some((entry) => Object.keys(entry).some((k) => k.endsWith("_file")))) {
      return reply
        .code(400)
        .send(errorBody(400, "seed: *_file fields are for seed files; send code inline to /local/seed", "invalid_body"));
    }
    try {
      const result = await applySeed(seed, "/nonexistent", model, rulesHooks);
      return reply.code(result.applied ? 201 : 200).send(result);
    } catch (error) {
      if (error instanceof SeedError) return reply.code(400).send(errorBody(400, error.message, "invalid_body"));
      throw error;
    }
  });
};
