/**
 * Logins on the local tenant: deployed versions of the bound post-login Actions run in order,
 * Auth0's claim rules apply, failures are access_denied, and the ID token verifies against the
 * published JWKS over HTTPS.
 */
import { bundlePostLoginHandler } from "../../src/bundle/bundle-action";
import { requestJson, verifyIdToken } from "../../src/local-run/client";
import { LOCAL_APP } from "../../src/local-tenant/login";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { tempDir } from "../support/local-tenant";

const CLAIMS_CONFIG = JSON.stringify({ namespace: "", id_token: ["usertype", "coops", "coopnames"], access_token: [] });

let tenant: LocalTenant;

beforeAll(async () => {
  tenant = await startLocalTenant({ stateDir: tempDir("login"), port: 0, login: { flowTimeoutMs: 1500 } });
});
afterAll(async () => {
  await tenant?.close();
});
beforeEach(() => {
  // Each test declares its own flow.
  tenant.model.replaceBindings("post-login", []);
});

/** Creates, deploys and returns an Action through the model (what an apply leaves behind). */
function deployed(name: string, code: string, secrets: Array<{ name: string; value: string }> = []) {
  const action = tenant.model.createAction({ name, supported_triggers: [{ id: "post-login", version: "v3" }], code, secrets });
  tenant.model.deployAction(action.id);
  return action;
}

function bind(...actions: Array<{ id: string }>) {
  tenant.model.replaceBindings(
    "post-login",
    actions.map((a) => ({ ref: { type: "action_id", value: a.id } })),
  );
}

async function login(user = "kazuyuki") {
  return requestJson<Record<string, unknown>>(`${tenant.url}/local/login`, { method: "POST", body: { user }, ca: tenant.caPem });
}

async function claimsOf(user = "kazuyuki") {
  const res = await login(user);
  expect(res.status).toBe(200);
  return verifyIdToken(tenant.url, res.body.id_token as string, { ca: tenant.caPem, audience: LOCAL_APP.client_id });
}

it("runs the repository's handler and returns the seed user's three claims in a token signed by the published key", async () => {
  const handler = deployed("Add metadata to user profile", bundlePostLoginHandler("add-metadata-claims").code, [
    { name: "CLAIMS_CONFIG", value: CLAIMS_CONFIG },
  ]);
  bind(handler);
  const claims = await claimsOf();
  expect(claims).toMatchObject({
    "/usertype": "member",
    "/coops": ["coop-north", "coop-south"],
    "/coopnames": ["Coop North", "Coop South"],
    iss: `${tenant.url}/`,
    sub: "auth0|5f7c8ec7c33c6c004bbafe82",
    aud: "local-app",
  });
  // A user without the metadata gets none of the three claims.
  expect(Object.keys(await claimsOf("no-metadata")).filter((k) => k.startsWith("/"))).toEqual([]);
});

it("rejects a token whose signature does not match the JWKS", async () => {
  bind();
  const res = await login();
  const [header, payload, signature] = (res.body.id_token as string).split(".");
  const forged = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), "/usertype": "admin" })).toString("base64url")}.${signature}`;
  await expect(verifyIdToken(tenant.url, forged, { ca: tenant.caPem, audience: LOCAL_APP.client_id })).rejects.toThrow(/signature/);
});

it("runs the deployed version, not the saved draft, and each Action in binding order", async () => {
  const first = deployed(
    "first",
    "exports.onExecutePostLogin = async (e, api) => { api.idToken.setCustomClaim('https://claims.example.com/order', ['first']); };",
  );
  const second = deployed(
    "second",
    "exports.onExecutePostLogin = async (e, api) => { api.idToken.setCustomClaim('https://claims.example.com/order', ['first', 'second']); api.idToken.setCustomClaim('https://claims.example.com/v', 1); };",
  );
  bind(first, second);
  expect(await claimsOf()).toMatchObject({ "https://claims.example.com/order": ["first", "second"], "https://claims.example.com/v": 1 });

  tenant.model.updateAction(second.id, {
    code: "exports.onExecutePostLogin = async (e, api) => { api.idToken.setCustomClaim('https://claims.example.com/v', 2); };",
  });
  expect((await claimsOf())["https://claims.example.com/v"]).toBe(1);
  tenant.model.deployAction(second.id);
  expect((await claimsOf())["https://claims.example.com/v"]).toBe(2);
  expect((await login()).body.executed).toEqual(["first v1", "second v2"]);
});

it("drops restricted claim names and Auth0 namespaces silently", async () => {
  const action = deployed(
    "claims-rules",
    `exports.onExecutePostLogin = async (e, api) => {
       api.idToken.setCustomClaim('roles', ['admin']);
       api.idToken.setCustomClaim('sip_x', 1);
       api.idToken.setCustomClaim('https://tenant.auth0.com/plan', 'gold');
       api.idToken.setCustomClaim('https://webtask.io/x', 1);
       api.idToken.setCustomClaim('https://claims.example.com/kept', 'yes');
     };`,
  );
  bind(action);
  const res = await login();
  expect(res.status).toBe(200);
  expect(res.body.dropped_claims).toEqual(["roles", "sip_x", "https://tenant.auth0.com/plan", "https://webtask.io/x"]);
  const claims = await verifyIdToken(tenant.url, res.body.id_token as string, { ca: tenant.caPem, audience: LOCAL_APP.client_id });
  expect(claims["https://claims.example.com/kept"]).toBe("yes");
  for (const dropped of ["roles", "sip_x", "https://tenant.auth0.com/plan", "https://webtask.io/x"])
    expect(claims).not.toHaveProperty([dropped]);
});

it("fails the login when the custom claims exceed 100 KB", async () => {
  const action = deployed(
    "big",
    "exports.onExecutePostLogin = async (e, api) => { api.idToken.setCustomClaim('https://claims.example.com/big', 'x'.repeat(102400)); };",
  );
  bind(action);
  const res = await login();
  expect(res.status).toBe(403);
  expect(res.body.error).toBe("access_denied");
  expect(res.body.error_description).toMatch(/102400/);
});

it("fails the login with access_denied when an Action denies, throws or runs past the time limit, and stops the flow there", async () => {
  const deny = deployed("deny", "exports.onExecutePostLogin = async (e, api) => { api.access.deny('members only'); };");
  const later = deployed("later", "exports.onExecutePostLogin = async () => { throw new Error('must not run'); };");
  bind(deny, later);
  expect((await login()).body).toEqual({ error: "access_denied", error_description: "members only" });

  const throws = deployed("throws", "exports.onExecutePostLogin = async () => { throw new Error('boom'); };");
  bind(throws);
  const thrown = await login();
  expect(thrown.body.error).toBe("access_denied");
  expect(thrown.body.error_description).toMatch(/^throws: .*boom$/);

  const hangs = deployed("hangs", "exports.onExecutePostLogin = () => new Promise(() => {});");
  bind(hangs);
  const res = await login();
  expect(res.status).toBe(403);
  expect(res.body.error_description).toMatch(/did not complete within 1.5 seconds/);
});

it("says so, instead of issuing tokens, when an Action asks for what the local tenant does not carry out (MFA, a redirect, scopes)", async () => {
  const mfa = deployed(
    "mfa",
    "exports.onExecutePostLogin = async (e, api) => { api.idToken.setCustomClaim('https://x.example.com/a', 1); api.multifactor.enable('any'); };",
  );
  bind(mfa);
  const challenged = await login();
  expect(challenged.status).toBe(501);
  expect(challenged.body.error).toBe("not_implemented");
  expect(challenged.body.error_description).toMatch(
    /^mfa called api\.multifactor\.enable\("any"\): the local tenant does not emulate this/,
  );
  expect(challenged.body.id_token).toBeUndefined();

  const redirects = deployed(
    "redirects",
    "exports.onExecutePostLogin = async (e, api) => { api.redirect.sendUserTo('https://example.com/consent'); api.accessToken.addScope('x'); };",
  );
  bind(redirects);
  expect((await login()).body.error_description).toMatch(
    /^redirects called api\.redirect\.sendUserTo, api\.accessToken\.addScope\/removeScope:/,
  );

  // SAML attributes are ignored by Auth0 itself in an OIDC login: the login goes through.
  const saml = deployed(
    "saml",
    "exports.onExecutePostLogin = async (e, api) => { api.samlResponse.setAttribute('https://x.example.com/role', 'a'); };",
  );
  bind(saml);
  expect((await login()).status).toBe(200);
});

it("fails the login, not the deploy, when deployed code does not parse (Auth0's build does not parse code)", async () => {
  const unparsable = deployed("unparsable", 'exports.onExecutePostLogin = async () => {};"\n');
  bind(unparsable);
  const res = await login();
  expect(res.status).toBe(403);
  expect(res.body).toMatchObject({
    error: "access_denied",
    error_description: expect.stringMatching(/^unparsable: .*(Invalid or unexpected token|Unterminated string)/),
  });
});

it("stops a synchronous endless loop at the flow's time limit and keeps serving", async () => {
  bind(deployed("spins", "exports.onExecutePostLogin = async () => { while (true) {} };"));
  expect((await login()).body.error_description).toMatch(/did not complete within 1.5 seconds/);
  bind();
  expect((await login()).status).toBe(200);
});

it("keeps app_metadata an Action sets for the user's next login, and counts logins", async () => {
  const action = deployed(
    "counter",
    `exports.onExecutePostLogin = async (event, api) => {
       const seen = event.user.app_metadata.seen ?? 0;
       api.user.setAppMetadata('seen', seen + 1);
       api.idToken.setCustomClaim('https://claims.example.com/seen', seen);
       api.idToken.setCustomClaim('https://claims.example.com/logins', event.stats.logins_count);
     };`,
  );
  bind(action);
  const first = await claimsOf("partial-metadata");
  const second = await claimsOf("partial-metadata");
  expect(second["https://claims.example.com/seen"]).toBe((first["https://claims.example.com/seen"] as number) + 1);
  expect(second["https://claims.example.com/logins"]).toBe((first["https://claims.example.com/logins"] as number) + 1);
});

it("names the known users when the login name is unknown", async () => {
  const res = await login("nobody");
  expect(res.status).toBe(403);
  expect(res.body.error).toBe("invalid_grant");
  expect(res.body.error_description).toContain("kazuyuki");
});

it("never accepts an ID token as a Management API token, whatever audience the login asked for", async () => {
  bind();
  const managementAudience = `${tenant.url}/api/v2/`;
  const forged = await requestJson<Record<string, unknown>>(`${tenant.url}/local/login`, {
    method: "POST",
    body: { user: "kazuyuki", client_id: managementAudience },
    ca: tenant.caPem,
  });
  expect([forged.status, forged.body.error]).toEqual([401, "invalid_client"]);
  const res = await login("kazuyuki");
  expect(res.status).toBe(200);
  const asManagement = await requestJson(`${tenant.url}/api/v2/actions/actions`, { token: res.body.id_token as string, ca: tenant.caPem });
  expect(asManagement.status).toBe(401);
  expect((await requestJson(`${tenant.url}/api/v2/actions/actions`, { token: tenant.token, ca: tenant.caPem })).status).toBe(200);
});
