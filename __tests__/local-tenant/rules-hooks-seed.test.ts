/**
 * A "Dashboard-made" tenant: a seed file pre-populates Actions, bindings, Rules and Hooks, and the
 * Management API serves Rules and Hooks as Auth0 documents them (array or include_totals page,
 * field selection, 404 bodies, Hook secret values masked).
 */
import { join } from "node:path";
import { requestJson } from "../../src/local-run/client";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { UserDirectory } from "../../src/local-tenant/users";
import { REPO_ROOT } from "../../src/paths";
import { tempDir } from "../support/local-tenant";

const SEED = join(REPO_ROOT, "fixtures/adopt/team-tenant.seed.yaml");
const users = UserDirectory.of({});

describe("seeded local tenant", () => {
  let tenant: LocalTenant;
  let stateDir: string;
  const get = <T = unknown>(path: string) =>
    requestJson<T>(`${tenant.url}${path}`, {
      token: tenant.token,
      ca: tenant.caPem,
    });

  beforeAll(async () => {
    stateDir = tempDir("seed");
    tenant = await startLocalTenant({
      stateDir,
      port: 0,
      dependencies: "syntax",
      users,
      seedFile: SEED,
    });
  });
  afterAll(async () => tenant?.close());

  it("creates the Dashboard's Actions: deployed, bound in order, and a draft only", async () => {
    expect(tenant.seeded).toEqual({
      applied: true,
      actions: 3,
      rules: 3,
      hooks: 1,
    });
    const bindings = await get<{
      bindings: Array<{ display_name: string; action: { name: string } }>;
    }>("/api/v2/actions/triggers/post-login/bindings");
    expect(bindings.body.bindings.map((b) => [b.display_name, b.action.name])).toEqual([
      ["Add metadata to user profile", "Add metadata to user profile"],
      ["SIEM", "Notify SIEM on login"],
    ]);
    const drafts = await get<{ actions: Array<{ name: string }> }>("/api/v2/actions/actions?deployed=false");
    expect(drafts.body.actions.map((a) => a.name)).toEqual(["Experimental locale claim"]);
    const siem = await get<{
      actions: Array<{
        secrets: Array<{ name: string; value?: string }>;
        dependencies: unknown;
      }>;
    }>(`/api/v2/actions/actions?actionName=${encodeURIComponent("Notify SIEM on login")}`);
    expect(siem.body.actions[0].secrets.map((s) => Object.keys(s))).toEqual([["name", "updated_at"]]);
    expect(siem.body.actions[0].dependencies).toEqual([{ name: "axios", version: "1.7.9" }]);
  });

  it("lists Rules as an array by default and as a page with include_totals", async () => {
    const plain = await get<Array<{ name: string; order: number; stage: string; enabled: boolean }>>("/api/v2/rules");
    expect(plain.status).toBe(200);
    expect(plain.body.map((r) => r.name)).toEqual(["Add metadata to user profile", "Deny by email domain", "Require verified email"]);
    expect(Object.keys(plain.body[0])).toEqual(["id", "name", "enabled", "script", "order", "stage"]);
    expect(plain.body[0].stage).toBe("login_success");
    const paged = await get<{
      rules: unknown[];
      start: number;
      limit: number;
      total: number;
    }>("/api/v2/rules?include_totals=true&page=1&per_page=2");
    expect(paged.body).toMatchObject({ start: 2, limit: 2, total: 3 });
    expect(paged.body.rules).toHaveLength(1);
    const names = await get<Array<Record<string, unknown>>>("/api/v2/rules?fields=name,id&include_fields=true");
    expect(Object.keys(names.body[0])).toEqual(["id", "name"]);
  });

  it("answers a missing Rule or Hook with Auth0's 404 body, and bad paging with 400", async () => {
    expect((await get("/api/v2/rules/rul_nothere")).body).toEqual({
      statusCode: 404,
      error: "Not Found",
      message: "The rule does not exist.",
      errorCode: "inexistent_rule",
    });
    expect((await get("/api/v2/hooks/nothere")).status).toBe(404);
    expect((await get("/api/v2/hooks/nothere/secrets")).status).toBe(404);
    const bad = await get<{ statusCode: number; errorCode: string }>("/api/v2/rules?per_page=500");
    expect(bad.body).toMatchObject({
      statusCode: 400,
      errorCode: "invalid_query_string",
    });
  });

  it("serves Hooks with their secrets' names only, values masked", async () => {
    const hooks = await get<
      Array<{
        id: string;
        triggerId: string;
        name: string;
        dependencies: unknown;
      }>
    >("/api/v2/hooks");
    expect(hooks.body.map((h) => [h.triggerId, h.name])).toEqual([["credentials-exchange", "Add tenant claim to M2M tokens"]]);
    expect(Object.keys(hooks.body[0])).toEqual(["triggerId", "id", "name", "enabled", "script", "dependencies"]);
    const one = await get<{ id: string }>(`/api/v2/hooks/${hooks.body[0].id}`);
    expect(one.body.id).toBe(hooks.body[0].id);
    const secrets = await get(`/api/v2/hooks/${hooks.body[0].id}/secrets`);
    expect(secrets.body).toEqual({ TENANT_LABEL: "_VALUE_NOT_SHOWN_" });
    expect(JSON.stringify(secrets.body)).not.toContain("coop-dev");
  });

  it("requires the Management API token for Rules, Hooks and the seed endpoint", async () => {
    expect((await requestJson(`${tenant.url}/api/v2/rules`, { ca: tenant.caPem })).status).toBe(401);
    expect(
      (
        await requestJson(`${tenant.url}/local/seed`, {
          method: "POST",
          body: {},
          ca: tenant.caPem,
        })
      ).status,
    ).toBe(401);
  });

  it("leaves a tenant that holds anything alone: the seed endpoint and a restart with the seed", async () => {
    const again = await requestJson<{ applied: boolean; reason: string }>(`${tenant.url}/local/seed`, {
      method: "POST",
      token: tenant.token,
      ca: tenant.caPem,
      body: {
        rules: [
          {
            name: "Another",
            script: "function (u, c, cb) { cb(null, u, c); }",
          },
        ],
      },
    });
    expect(again.status).toBe(200);
    expect(again.body.applied).toBe(false);
    await tenant.close();
    tenant = await startLocalTenant({
      stateDir,
      port: 0,
      dependencies: "syntax",
      users,
      seedFile: SEED,
    });
    expect(tenant.seeded?.applied).toBe(false);
    expect(tenant.model.listActions()).toHaveLength(3);
    expect(tenant.rulesHooks.listRules()).toHaveLength(3);
  });

  it("seeds an empty tenant over /local/seed, and names the field of a bad seed", async () => {
    const fresh = await startLocalTenant({
      stateDir: tempDir("seed-endpoint"),
      port: 0,
      dependencies: "syntax",
      users,
    });
    try {
      const post = (body: unknown) =>
        requestJson<Record<string, unknown>>(`${fresh.url}/local/seed`, {
          method: "POST",
          token: fresh.token,
          ca: fresh.caPem,
          body,
        });
      const bad = await post({
        hooks: [{ name: "x", triggerId: "credentials-exchange", script: 1 }],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toContain("seed: hooks.0.script");
      const ok = await post({
        rules: [
          {
            name: "Old rule",
            script: "function (u, c, cb) { cb(null, u, c); }",
          },
        ],
      });
      expect(ok.status).toBe(201);
      expect(fresh.rulesHooks.listRules().map((r) => r.name)).toEqual(["Old rule"]);
    } finally {
      await fresh.close();
    }
  });
});
