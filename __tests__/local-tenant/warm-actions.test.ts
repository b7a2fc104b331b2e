/**
 * The local tenant runs a deployed Action version the way Auth0's Node 22 runtime does: module-level
 * code runs once per instance and its state is reused by later executions, so per-request state kept
 * at module level leaks from one login (one user) to the next. A redeploy (a new version) starts over.
 * Logins go through the HTTPS endpoint; the redeploy through the Management API, as Terraform does it.
 */
import { requestJson, verifyIdToken } from "../../src/local-run/client";
import { LOCAL_APP } from "../../src/local-tenant/login";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { tempDir } from "../support/local-tenant";

/** The mistake the Node 22 migration note warns about: per-request state at module level. */
const LEAKY = `let logins = 0;
const seen = [];
exports.onExecutePostLogin = async (event, api) => {
  logins++;
  seen.push(event.user.user_id);
  api.idToken.setCustomClaim('https://leak.example.com/logins', logins);
  api.idToken.setCustomClaim('https://leak.example.com/seen', seen);
};`;

let tenant: LocalTenant;

beforeAll(async () => {
  tenant = await startLocalTenant({ stateDir: tempDir("warm-actions"), port: 0 });
});
afterAll(async () => {
  await tenant?.close();
});

async function claimsOf(user: string): Promise<{ logins: number; seen: string[] }> {
  const res = await requestJson<Record<string, unknown>>(`${tenant.url}/local/login`, { method: "POST", body: { user }, ca: tenant.caPem });
  expect(res.status).toBe(200);
  const claims = await verifyIdToken(tenant.url, res.body.id_token as string, { ca: tenant.caPem, audience: LOCAL_APP.client_id });
  return { logins: claims["https://leak.example.com/logins"] as number, seen: claims["https://leak.example.com/seen"] as string[] };
}

async function management(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await requestJson<Record<string, unknown>>(`${tenant.url}/api/v2/${path}`, {
    method,
    ...(body === undefined ? {} : { body }),
    token: tenant.token,
    ca: tenant.caPem,
  });
  expect(res.status).toBeLessThan(300);
  return res.body;
}

it("carries module-level state from one login to the next of the same version, and starts over after a redeploy", async () => {
  const action = tenant.model.createAction({ name: "leaky", supported_triggers: [{ id: "post-login", version: "v3" }], code: LEAKY });
  tenant.model.deployAction(action.id);
  tenant.model.replaceBindings("post-login", [{ ref: { type: "action_id", value: action.id } }]);

  const first = await claimsOf("kazuyuki");
  const second = await claimsOf("no-metadata");
  expect(first.logins).toBe(1);
  // The second user's token carries the first user's id: what a module-level array leaks on Auth0.
  expect(second).toEqual({ logins: 2, seen: [first.seen[0], expect.any(String)] });
  expect(second.seen[1]).not.toBe(second.seen[0]);

  // Same code, new version: a new instance, module scope evaluated again.
  await management("PATCH", `actions/actions/${action.id}`, { code: LEAKY });
  await waitUntilBuilt(action.id);
  const version = await management("POST", `actions/actions/${action.id}/deploy`);
  expect(version.number).toBe(2);
  const afterRedeploy = await claimsOf("no-metadata");
  expect(afterRedeploy).toEqual({ logins: 1, seen: [second.seen[1]] });
  expect((await claimsOf("kazuyuki")).logins).toBe(2);
});

async function waitUntilBuilt(id: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await management("GET", `actions/actions/${id}`)).status === "built") return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`action ${id} was not built`);
}
