/**
 * End to end with the real Terraform and auth0/auth0 provider against the local tenant:
 * apply -> login gets the claims; a second plan has nothing to do; a handler change plans as a
 * code change only and the next login runs the new version; destroy unbinds, then deletes.
 * The tests of this file run in order and share one tenant and one stack.
 */
import { join } from "node:path";
import { requestJson, verifyIdToken } from "../../src/local-run/client";
import { LOCAL_APP } from "../../src/local-tenant/login";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { localTerraformEnv, stackRunner, type StackRunner } from "../../src/local-run/deploy";
import { pluginCacheEnv, rewriteActionCode, runnerFor, synthInto, tempDir, tenantFor } from "../support/local-tenant";

const VARIANT_CLAIM = "https://claims.example.com/variant";

let tenant: LocalTenant;
let stackDir: string;
let terraform: StackRunner;

beforeAll(async () => {
  tenant = await startLocalTenant({ stateDir: tempDir("e2e-tenant"), port: 0 });
  [stackDir] = synthInto(tempDir("e2e-stack"), [tenantFor("e2e", tenant.domain, "authoritative")]);
  terraform = runnerFor(stackDir, tenant);
  await terraform.init();
});
afterAll(async () => {
  await tenant?.close();
});

async function login(): Promise<{ claims: Record<string, unknown>; executed: string[] }> {
  const res = await requestJson<{ id_token: string; executed: string[] }>(`${tenant.url}/local/login`, {
    method: "POST",
    body: { user: "kazuyuki" },
    ca: tenant.caPem,
  });
  expect(res.status).toBe(200);
  const claims = await verifyIdToken(tenant.url, res.body.id_token, { ca: tenant.caPem, audience: LOCAL_APP.client_id });
  return { claims, executed: res.body.executed };
}

it("apply creates, deploys and binds the Action; a login gets the seed user's claims; a second plan shows no changes", async () => {
  await terraform.apply();
  const [action] = tenant.model.listActions();
  expect(action.name).toBe("Add metadata to user profile");
  expect(action.versions).toHaveLength(1);
  expect(tenant.model.getBindings("post-login").map((b) => b.action_id)).toEqual([action.id]);

  const { claims, executed } = await login();
  expect(claims).toMatchObject({
    "/usertype": "member",
    "/coops": ["coop-north", "coop-south"],
    "/coopnames": ["Coop North", "Coop South"],
  });
  expect(executed).toEqual(["Add metadata to user profile v1"]);

  expect((await terraform.plan()).code).toBe(0);
});

it("a handler change plans as a change of the code only; after apply a new version serves the next login", async () => {
  rewriteActionCode(stackDir, (code) =>
    code.replace(
      "copyClaims(metadata, settings.namespace, settings.id_token, api.idToken);",
      (line) => `${line}\n  api.idToken.setCustomClaim("${VARIANT_CLAIM}", 2);`,
    ),
  );
  const planned = await terraform.plan([`-out=${join(stackDir, "variant.tfplan")}`]);
  expect(planned.code).toBe(2);
  const shown = await terraform.run(["show", "-json", "variant.tfplan"], { quiet: true });
  const changes = (JSON.parse(shown.stdout).resource_changes as PlannedChange[]).filter((c) => c.change.actions.join() !== "no-op");
  expect(changes.map((c) => `${c.address}: ${c.change.actions.join()}`)).toEqual(["auth0_action.add_metadata_claims: update"]);
  expect(changedAttributes(changes[0])).toEqual(["code"]);

  await terraform.apply();
  const { claims, executed } = await login();
  expect(executed).toEqual(["Add metadata to user profile v2"]);
  expect(claims[VARIANT_CLAIM]).toBe(2);
  expect(claims["/usertype"]).toBe("member");
  expect((await terraform.plan()).code).toBe(0);
});

it("destroy (authenticated with the static API token) unbinds before it deletes, and leaves no Action and no binding behind", async () => {
  // What `npm run local-tenant` hands a user: the CA file and a token, instead of client credentials.
  const { AUTH0_CLIENT_ID: _id, AUTH0_CLIENT_SECRET: _secret, ...env } = localTerraformEnv(tenant, pluginCacheEnv());
  const withToken = stackRunner(stackDir, { ...env, SSL_CERT_FILE: tenant.caFile, AUTH0_API_TOKEN: tenant.token });
  const from = tenant.requests.length;
  await withToken.destroy();
  expect(tenant.requests.slice(from).some((r) => r.path === "/oauth/token")).toBe(false);
  const calls = tenant.requests.slice(from).filter((r) => r.method !== "GET");
  const unbind = calls.findIndex((r) => r.method === "PATCH" && r.path.endsWith("/triggers/post-login/bindings"));
  const remove = calls.findIndex((r) => r.method === "DELETE" && r.path.startsWith("/api/v2/actions/actions/"));
  expect(unbind).toBeGreaterThanOrEqual(0);
  expect(remove).toBeGreaterThan(unbind);
  expect(calls.filter((r) => r.status >= 400)).toEqual([]);
  expect(tenant.model.listActions()).toEqual([]);
  expect(tenant.model.getBindings("post-login")).toEqual([]);
});

interface PlannedChange {
  address: string;
  change: { actions: string[]; before: Record<string, unknown>; after: Record<string, unknown>; after_unknown: Record<string, unknown> };
}

/** Attributes whose planned value differs, leaving out those only known after apply (computed). */
function changedAttributes(change: PlannedChange): string[] {
  const { before, after, after_unknown: unknown } = change.change;
  return Object.keys(after)
    .filter((k) => unknown[k] !== true && JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .sort();
}
