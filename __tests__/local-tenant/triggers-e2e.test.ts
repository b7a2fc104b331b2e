/**
 * Every trigger end to end: one tenant file declares the claims Action and Actions on
 * credentials-exchange, pre-user-registration, post-user-registration and post-change-password;
 * the real Terraform and auth0/auth0 provider deploy them to the local tenant, and each one's
 * effect is observed where Auth0 runs it: /oauth/token (client_credentials), /dbconnections/signup,
 * and a password change through the Management API (PATCH /api/v2/users/{id}). The non-blocking
 * triggers report to a webhook double. The tests run in order and share one tenant and one stack.
 */
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { decodeJwt, importJWK, jwtVerify, type JWK } from "jose";
import { parse } from "yaml";
import type { Tenant } from "../../src/config/load-tenants";
import { tenantSchema } from "../../src/config/tenant-schema";
import { requestJson } from "../../src/local-run/client";
import { localTerraformEnv, stackRunner, type StackRunner } from "../../src/local-run/deploy";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { LOCAL_API } from "../../src/local-tenant/tokens";
import { synthTenants } from "../../src/synth/synth-tenants";
import { pluginCacheEnv, tempDir } from "../support/local-tenant";

const HANDLERS = join(__dirname, "handlers");

let tenant: LocalTenant;
let terraform: StackRunner;
let webhook: Server;
let webhookUrl: string;
const received: Array<Record<string, unknown>> = [];

function tenantFile(domain: string): Tenant {
  const text = `
domain: ${domain}
claims: { namespace: "", id_token: [usertype, coops, coopnames] }
flows:
  post-login:
    mode: authoritative
    actions: [{ handler: add-metadata-claims }]
  credentials-exchange:
    mode: append
    actions:
      - { handler: m2m-claims, name: M2M claims }
      - { handler: local-api-policy, name: Local API policy }
      - { handler: m2m-claims-from-client-metadata, name: Client metadata claims }
  pre-user-registration:
    actions: [{ handler: signup-policy, name: Signup policy }]
  post-user-registration:
    actions: [{ handler: notify-signup, name: Notify signup, secrets: { WEBHOOK_URL: { env: WEBHOOK_URL } } }]
  post-change-password:
    mode: authoritative
    actions: [{ handler: notify-password-change, name: Notify password change, secrets: { WEBHOOK_URL: { env: WEBHOOK_URL } } }]
backend: { type: local, path: state/triggers.tfstate }
`;
  // Parsed by the real schema; the handlers other than the repository's live in this test's folder.
  return { ...tenantSchema.parse(parse(text)), name: "triggers", file: "triggers.yaml" };
}

async function token(audience: string, scope?: string) {
  return requestJson<Record<string, string>>(`${tenant.url}/oauth/token`, {
    method: "POST",
    body: {
      grant_type: "client_credentials",
      client_id: tenant.clientId,
      client_secret: tenant.clientSecret,
      audience,
      ...(scope ? { scope } : {}),
    },
    ca: tenant.caPem,
  });
}

async function verified(accessToken: string, audience: string): Promise<Record<string, unknown>> {
  const jwks = await requestJson<{ keys: JWK[] }>(`${tenant.url}/.well-known/jwks.json`, { ca: tenant.caPem });
  const { payload } = await jwtVerify(accessToken, await importJWK(jwks.body.keys[0], "RS256"), {
    issuer: `${tenant.url}/`,
    audience,
    typ: "at+jwt",
  });
  return payload;
}

async function waitForWebhook(predicate: (body: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const found = received.find(predicate);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the webhook received no such request; it received ${JSON.stringify(received)}`);
}

beforeAll(async () => {
  webhook = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      received.push(JSON.parse(text));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => webhook.listen(0, "127.0.0.1", r));
  const address = webhook.address();
  webhookUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hook`;

  tenant = await startLocalTenant({ stateDir: tempDir("triggers-tenant"), port: 0 });
  const [stack] = synthTenants([tenantFile(tenant.domain)], join(tempDir("triggers-stack"), "cdktf.out"), { handlersRoot: HANDLERS });
  terraform = stackRunner(stack.dir, localTerraformEnv(tenant, { ...pluginCacheEnv(), TF_VAR_WEBHOOK_URL: webhookUrl }));
  await terraform.init();
});
afterAll(async () => {
  await tenant?.close();
  await new Promise((r) => webhook?.close(r));
});

it("apply deploys an Action per trigger and binds each flow; a second plan has nothing to do", async () => {
  await terraform.apply();
  const bound = (trigger: string) => tenant.model.getBindings(trigger).map((b) => b.display_name);
  expect(bound("post-login")).toEqual(["Add metadata to user profile"]);
  expect(bound("credentials-exchange")).toEqual(["M2M claims", "Local API policy", "Client metadata claims"]);
  expect(bound("pre-user-registration")).toEqual(["Signup policy"]);
  expect(bound("post-user-registration")).toEqual(["Notify signup"]);
  expect(bound("post-change-password")).toEqual(["Notify password change"]);
  expect(
    tenant.model
      .listActions()
      .map((a) => [a.name, a.supported_triggers[0].id, a.supported_triggers[0].version])
      .sort(),
  ).toEqual(
    [
      ["Add metadata to user profile", "post-login", "v3"],
      ["Client metadata claims", "credentials-exchange", "v2"],
      ["Local API policy", "credentials-exchange", "v2"],
      ["M2M claims", "credentials-exchange", "v2"],
      ["Notify password change", "post-change-password", "v2"],
      ["Notify signup", "post-user-registration", "v2"],
      ["Signup policy", "pre-user-registration", "v2"],
    ].sort(),
  );
  expect((await terraform.plan()).code).toBe(0);
});

it("credentials-exchange: a client_credentials token for an API carries the M2M claims", async () => {
  const res = await token(LOCAL_API.identifier);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ token_type: "Bearer", scope: LOCAL_API.scope });
  const claims = await verified(res.body.access_token, LOCAL_API.identifier);
  expect(claims).toMatchObject({ "/usertype": "machine", gty: "client-credentials", sub: `${tenant.clientId}@clients` });
});

it("credentials-exchange: the Action converted from a Hook (npm run migrate-hook) puts the Hook's claims into the token", async () => {
  // hooks/m2m-claims-from-client-metadata.js gave every M2M token https://claims.example.com/client_name and /tenant.
  const res = await token(LOCAL_API.identifier);
  expect(res.status).toBe(200);
  const claims = await verified(res.body.access_token, LOCAL_API.identifier);
  expect(claims["https://claims.example.com/client_name"]).toBe(tenant.clientId);
  expect(typeof claims["https://claims.example.com/tenant"]).toBe("string");
});

it("credentials-exchange: Auth0's own API drops claims that are not namespaced, and the provider's token still works", async () => {
  const res = await token(`${tenant.url}/api/v2/`);
  expect(res.status).toBe(200);
  expect(decodeJwt(res.body.access_token)["/usertype"]).toBeUndefined();
  const actions = await requestJson(`${tenant.url}/api/v2/actions/actions`, { token: res.body.access_token, ca: tenant.caPem });
  expect(actions.status).toBe(200);
});

it("credentials-exchange: api.access.deny(code, reason) is answered as an OAuth error with that code", async () => {
  const res = await token(LOCAL_API.identifier, "read:coops admin");
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ error: "invalid_scope", error_description: "machines get no admin scope" });
});

let userId: string;

it("pre- and post-user-registration: signup sets the metadata pre-user-registration chose; post-user-registration sees the new user", async () => {
  const res = await requestJson<Record<string, unknown>>(`${tenant.url}/dbconnections/signup`, {
    method: "POST",
    body: {
      client_id: "local-app",
      email: "hanako@coop.example",
      password: "correct horse battery",
      connection: "Username-Password-Authentication",
      user_metadata: { locale: "ja" },
    },
    ca: tenant.caPem,
  });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ email: "hanako@coop.example", email_verified: false, user_metadata: { locale: "ja" } });
  expect(res.body).not.toHaveProperty("password");
  userId = `auth0|${String(res.body._id)}`;
  const notified = await waitForWebhook((b) => b.event === "signup");
  expect(notified).toEqual({ event: "signup", user_id: userId, email: "hanako@coop.example", app_metadata: { usertype: "member" } });
});

it("pre-user-registration: api.access.deny refuses the signup with the user message; post-user-registration does not run", async () => {
  const res = await requestJson(`${tenant.url}/dbconnections/signup`, {
    method: "POST",
    body: { email: "throwaway@mailinator.com", password: "correct horse battery", connection: "Username-Password-Authentication" },
    ca: tenant.caPem,
  });
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ error: "extensibility_error", error_description: "Please sign up with your work email." });
  expect(received.filter((b) => b.email === "throwaway@mailinator.com")).toEqual([]);
});

it("post-change-password: a password change through the Management API runs the flow after answering", async () => {
  const res = await requestJson<Record<string, unknown>>(`${tenant.url}/api/v2/users/${encodeURIComponent(userId)}`, {
    method: "PATCH",
    body: { password: "another long passphrase", connection: "Username-Password-Authentication" },
    token: tenant.token,
    ca: tenant.caPem,
  });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ user_id: userId, app_metadata: { usertype: "member" } });
  expect(typeof res.body.last_password_reset).toBe("string");
  expect(res.body).not.toHaveProperty("password_hash");
  expect(await waitForWebhook((b) => b.event === "password-changed")).toEqual({
    event: "password-changed",
    user_id: userId,
    connection: "Username-Password-Authentication",
  });
});
