/**
 * Wire conformance: the request sequences the provider sends (create, read, update, deploy,
 * bindings pages, delete) replayed against the local tenant. The expected status codes, field
 * names (in order) and pagination shapes below are facts read from go-vcr recordings of the
 * provider against a real Auth0 tenant (TestAccAction, TestAccTriggerActions); the recordings
 * themselves are not part of the repository.
 */
import { requestJson, type HttpResult } from "../../src/local-run/client";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { UserDirectory } from "../../src/local-tenant/users";
import { keysOf, tempDir } from "../support/local-tenant";

// ---- facts from the recordings -----------------------------------------------------------
const ACTION_FIELDS = [
  "id",
  "name",
  "supported_triggers",
  "created_at",
  "updated_at",
  "code",
  "dependencies",
  "runtime",
  "status",
  "secrets",
  "all_changes_deployed",
];
const DEPLOYED_ACTION_FIELDS = [
  "id",
  "name",
  "supported_triggers",
  "created_at",
  "updated_at",
  "code",
  "dependencies",
  "runtime",
  "status",
  "secrets",
  "current_version",
  "deployed_version",
  "all_changes_deployed",
];
const CURRENT_VERSION_FIELDS = ["id", "code", "runtime", "status", "number", "build_time", "created_at", "updated_at"];
const DEPLOYED_VERSION_FIELDS = [
  "code",
  "dependencies",
  "id",
  "deployed",
  "number",
  "built_at",
  "secrets",
  "status",
  "created_at",
  "updated_at",
  "runtime",
  "supported_triggers",
];
const DEPLOY_RESPONSE_FIELDS = [
  "code",
  "dependencies",
  "id",
  "deployed",
  "number",
  "secrets",
  "status",
  "created_at",
  "updated_at",
  "runtime",
  "supported_triggers",
  "action",
];
const DEPLOY_RESPONSE_ACTION_FIELDS = ["id", "name", "supported_triggers", "created_at", "updated_at", "all_changes_deployed"];
const BINDING_FIELDS = ["id", "trigger_id", "action", "created_at", "updated_at", "display_name"];
const BINDING_ACTION_FIELDS = [
  "id",
  "name",
  "supported_triggers",
  "created_at",
  "updated_at",
  "current_version",
  "deployed_version",
  "all_changes_deployed",
];
const SECRET_FIELDS = ["name", "updated_at"];
/** Auth0's Management API error body. */
const ERROR_FIELDS = ["statusCode", "error", "message", "errorCode"];

type Json = Record<string, any>;

let tenant: LocalTenant;
const call = (method: string, path: string, body?: unknown, token: string | null = tenant.token): Promise<HttpResult<Json>> =>
  requestJson<Json>(`${tenant.url}${path}`, {
    method,
    ca: tenant.caPem,
    ...(token ? { token } : {}),
    ...(body !== undefined ? { body } : {}),
  });

beforeAll(async () => {
  tenant = await startLocalTenant({ stateDir: tempDir("conformance"), port: 0, users: UserDirectory.of({}) });
});
afterAll(async () => {
  await tenant?.close();
});

describe("authentication", () => {
  it("answers 401 in Auth0's error shape without a token or with a bad one", async () => {
    const missing = await call("GET", "/api/v2/actions/actions", undefined, null);
    expect(missing.status).toBe(401);
    expect(keysOf(missing.body)).toEqual(ERROR_FIELDS);
    expect(missing.body).toMatchObject({ statusCode: 401, error: "Unauthorized" });
    const forged = await call("GET", "/api/v2/actions/actions", undefined, `${tenant.token.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
  });

  it("issues tokens for the client-credentials grant (form body or HTTP Basic) that the Management API accepts", async () => {
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: tenant.clientId,
      client_secret: tenant.clientSecret,
      audience: `${tenant.url}/api/v2/`,
    });
    const viaForm = await postForm("/oauth/token", form.toString());
    expect(viaForm.status).toBe(200);
    expect(keysOf(viaForm.body)).toEqual(["access_token", "scope", "expires_in", "token_type"]);
    expect((await call("GET", "/api/v2/actions/actions", undefined, viaForm.body.access_token)).status).toBe(200);

    const basic = Buffer.from(`${tenant.clientId}:${tenant.clientSecret}`).toString("base64");
    const viaBasic = await postForm(
      "/oauth/token",
      new URLSearchParams({ grant_type: "client_credentials", audience: `${tenant.url}/api/v2/` }).toString(),
      `Basic ${basic}`,
    );
    expect(viaBasic.status).toBe(200);

    const wrong = await postForm(
      "/oauth/token",
      new URLSearchParams({ grant_type: "client_credentials", client_id: tenant.clientId, client_secret: "wrong" }).toString(),
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: "access_denied", error_description: "Unauthorized" });
  });
});

describe("the provider's Action and binding sequence", () => {
  it("create, poll, update, deploy, bind, page through bindings, refuse to delete while bound, unbind, delete", async () => {
    // POST creates a pending draft; runtime defaults to node22.
    const created = await call("POST", "/api/v2/actions/actions", {
      name: "Conformance",
      supported_triggers: [{ id: "post-login", version: "v3" }],
      code: "exports.onExecutePostLogin = async (event, api) => {};",
    });
    expect(created.status).toBe(201);
    expect(keysOf(created.body)).toEqual(ACTION_FIELDS);
    expect(created.body).toMatchObject({
      status: "pending",
      runtime: "node22",
      secrets: [],
      dependencies: [],
      all_changes_deployed: false,
    });
    const id = created.body.id as string;

    const read = await call("GET", `/api/v2/actions/actions/${id}`);
    expect(read.status).toBe(200);
    expect(keysOf(read.body)).toEqual(ACTION_FIELDS);
    expect(read.body.status).toBe("built");

    // PATCH with a secret: secrets come back as names with updated_at, never values.
    const updated = await call("PATCH", `/api/v2/actions/actions/${id}`, {
      name: "Conformance",
      supported_triggers: [{ id: "post-login", version: "v3" }],
      code: "exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('/x', 1); };",
      runtime: "node22",
      secrets: [{ name: "CLAIMS_CONFIG", value: "secret-value-never-returned" }],
    });
    expect(updated.status).toBe(200);
    expect(updated.body.status).toBe("pending");
    expect(updated.body.secrets.map(keysOf)).toEqual([SECRET_FIELDS]);

    const deployed = await call("POST", `/api/v2/actions/actions/${id}/deploy`);
    expect(deployed.status).toBe(200);
    expect(keysOf(deployed.body)).toEqual(DEPLOY_RESPONSE_FIELDS);
    expect(keysOf(deployed.body.action)).toEqual(DEPLOY_RESPONSE_ACTION_FIELDS);
    expect(deployed.body).toMatchObject({ deployed: false, number: 1, status: "built" });

    const afterDeploy = await call("GET", `/api/v2/actions/actions/${id}`);
    expect(keysOf(afterDeploy.body)).toEqual(DEPLOYED_ACTION_FIELDS);
    expect(keysOf(afterDeploy.body.current_version)).toEqual(CURRENT_VERSION_FIELDS);
    expect(keysOf(afterDeploy.body.deployed_version)).toEqual(DEPLOYED_VERSION_FIELDS);
    expect(afterDeploy.body.current_version.status).toBe("BUILT");
    expect(afterDeploy.body.deployed_version).toMatchObject({ id: deployed.body.id, deployed: true, number: 1, status: "built" });
    expect(afterDeploy.body.all_changes_deployed).toBe(true);

    // Versions are numbered; a second deploy makes number 2.
    await call("PATCH", `/api/v2/actions/actions/${id}`, { code: "exports.onExecutePostLogin = async () => {}; // v2" });
    expect((await call("POST", `/api/v2/actions/actions/${id}/deploy`)).body.number).toBe(2);
    const versions = await call("GET", `/api/v2/actions/actions/${id}/versions`);
    expect(versions.body.versions.map((v: Json) => [v.number, v.deployed])).toEqual([
      [2, true],
      [1, false],
    ]);

    // Bindings: PATCH replaces the list and answers {"bindings": [...]}.
    const bound = await call("PATCH", "/api/v2/actions/triggers/post-login/bindings", {
      bindings: [{ ref: { type: "action_id", value: id }, display_name: "Conformance" }],
    });
    expect(bound.status).toBe(200);
    expect(keysOf(bound.body)).toEqual(["bindings"]);
    expect(keysOf(bound.body.bindings[0])).toEqual(BINDING_FIELDS);
    expect(keysOf(bound.body.bindings[0].action)).toEqual(BINDING_ACTION_FIELDS);
    expect(bound.body.bindings[0]).toMatchObject({ trigger_id: "post-login", display_name: "Conformance" });

    // Page 0 carries total (no start/limit); page 1 carries page and no total.
    const page0 = await call("GET", "/api/v2/actions/triggers/post-login/bindings?page=0&per_page=100");
    expect(keysOf(page0.body)).toEqual(["bindings", "total", "per_page"]);
    expect(page0.body).toMatchObject({ total: 1, per_page: 100 });
    const page1 = await call("GET", "/api/v2/actions/triggers/post-login/bindings?page=1&per_page=100");
    expect(page1.body).toEqual({ bindings: [], page: 1, per_page: 100 });
    const defaultPage = await call("GET", "/api/v2/actions/triggers/post-login/bindings?per_page=50");
    expect(keysOf(defaultPage.body)).toEqual(["bindings", "total", "per_page"]);

    // The SDK's loop ("next page while next is set or total > start + limit") ends after page 1.
    expect(await pagesTheSdkReads()).toBe(2);

    const refused = await call("DELETE", `/api/v2/actions/actions/${id}`);
    expect(refused.status).toBe(409);
    expect(keysOf(refused.body)).toEqual(ERROR_FIELDS);
    // The body the provider turns into "409 Conflict: Unable to delete an action bound to a trigger.", as Auth0's reads.
    expect(refused.body).toMatchObject({ statusCode: 409, error: "Conflict", message: "Unable to delete an action bound to a trigger." });

    const unbound = await call("PATCH", "/api/v2/actions/triggers/post-login/bindings", { bindings: [] });
    expect(unbound.body).toEqual({ bindings: [] });
    expect((await call("GET", "/api/v2/actions/triggers/post-login/bindings?page=0&per_page=100")).body).toEqual({
      bindings: [],
      per_page: 100,
    });
    expect((await call("GET", "/api/v2/actions/triggers/post-login/bindings?per_page=50")).body).toEqual({ bindings: [], per_page: 50 });
    expect(await pagesTheSdkReads()).toBe(1);

    const deleted = await call("DELETE", `/api/v2/actions/actions/${id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();

    const gone = await call("GET", `/api/v2/actions/actions/${id}`);
    expect(gone.status).toBe(404);
    // Verbatim from the provider's recorded TestAccDataSourceAction traffic (no errorCode in this one).
    expect(gone.body).toEqual({ statusCode: 404, error: "Not Found", message: "That action does not exist." });

    // No response of the whole sequence carried the secret's value.
    expect(JSON.stringify([updated.body, deployed.body, afterDeploy.body, bound.body, versions.body])).not.toContain(
      "secret-value-never-returned",
    );
  });

  it("refuses to deploy a draft whose build failed, and to bind an Action that was never deployed", async () => {
    const created = await call("POST", "/api/v2/actions/actions", {
      name: "Broken",
      supported_triggers: [{ id: "post-login", version: "v3" }],
      code: "exports.onExecutePostLogin = async (event, api) => {};",
      dependencies: [{ name: "Not A Package", version: "1.0.0" }],
    });
    const id = created.body.id as string;
    // Recorded real traffic shows a failing build as "retrying" before "failed".
    expect((await call("GET", `/api/v2/actions/actions/${id}`)).body.status).toBe("retrying");
    expect(await statusOnceSettled(id)).toBe("failed");
    const deploy = await call("POST", `/api/v2/actions/actions/${id}/deploy`);
    expect(deploy.status).toBe(400);
    expect(keysOf(deploy.body)).toEqual(ERROR_FIELDS);
    const bind = await call("PATCH", "/api/v2/actions/triggers/post-login/bindings", {
      bindings: [{ ref: { type: "action_id", value: id } }],
    });
    expect(bind.status).toBe(400);
    expect(bind.body.message).toMatch(/not deployed/);
    expect((await call("DELETE", `/api/v2/actions/actions/${id}`)).status).toBe(204);
  });

  it("answers bad JSON and unknown routes in the same error shape", async () => {
    const bad = await requestRaw("POST", "/api/v2/actions/actions", "{not json", {
      "content-type": "application/json",
      authorization: `Bearer ${tenant.token}`,
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ statusCode: 400, error: "Bad Request", message: "Invalid request payload JSON format" });
    const unknown = await call("GET", "/api/v2/no-such-thing");
    expect(unknown.status).toBe(404);
    expect(keysOf(unknown.body).slice(0, 3)).toEqual(["statusCode", "error", "message"]);
  });
});

/** Polls the Action as the provider does until its build leaves the transient states. */
async function statusOnceSettled(id: string): Promise<string> {
  for (;;) {
    const status = (await call("GET", `/api/v2/actions/actions/${id}`)).body.status as string;
    if (!["pending", "building", "retrying"].includes(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Reads bindings the way go-auth0's List.HasNext drives the provider; returns the number of pages read. */
async function pagesTheSdkReads(): Promise<number> {
  for (let page = 0; page < 10; page++) {
    const { body } = await call("GET", `/api/v2/actions/triggers/post-login/bindings?page=${page}&per_page=100`);
    const { total = 0, start = 0, limit = 0, next = "" } = body;
    if (!(next !== "" || total > start + limit)) return page + 1;
  }
  return Infinity;
}

function postForm(path: string, form: string, authorization?: string) {
  return requestRaw("POST", path, form, {
    "content-type": "application/x-www-form-urlencoded",
    ...(authorization ? { authorization } : {}),
  });
}

async function requestRaw(method: string, path: string, body: string, headers: Record<string, string>): Promise<HttpResult<Json>> {
  const { request } = await import("node:https");
  const { agentFor } = await import("../../src/local-run/client");
  return new Promise((resolvePromise, reject) => {
    const req = request(
      `${tenant.url}${path}`,
      { method, agent: agentFor(tenant.caPem), headers: { ...headers, "content-length": Buffer.byteLength(body) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (c: string) => (text += c));
        res.on("end", () =>
          resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
