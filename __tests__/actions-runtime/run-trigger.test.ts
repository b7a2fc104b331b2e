/**
 * The Actions runtime for every trigger: code is loaded as Auth0 loads it, the trigger's own
 * entry point is called, and its `api` records each call under the official name.
 */
import { runTriggerAction } from "../../src/actions-runtime/run-trigger";
import { TRIGGERS } from "../../src/triggers";

const m2mEvent = {
  accessToken: { customClaims: {}, scope: ["read:reports"] },
  client: { client_id: "m2m", name: "Reports job", metadata: { tier: "gold" } },
  request: { ip: "127.0.0.1", method: "POST", geoip: {}, body: {} },
  resource_server: { identifier: "https://api.example.com/" },
  secrets: {},
  tenant: { id: "local" },
};

it("credentials-exchange: claims, target scopes and deny(code, reason)", async () => {
  const code = `exports.onExecuteCredentialsExchange = async (event, api) => {
    api.accessToken.setCustomClaim("https://claims.example.com/tier", event.client.metadata.tier);
    api.transaction.addTargetScope("write:reports");
    if (event.resource_server.identifier !== "https://api.example.com/") api.access.deny("invalid_request", "wrong API");
  };`;
  const granted = await runTriggerAction("credentials-exchange", code, m2mEvent);
  expect(granted).toMatchObject({ accessTokenClaims: { "https://claims.example.com/tier": "gold" }, targetScopes: ["write:reports"] });
  expect(granted.error).toBeUndefined();
  const denied = await runTriggerAction("credentials-exchange", code, { ...m2mEvent, resource_server: { identifier: "https://other/" } });
  expect(denied).toMatchObject({ denied: { code: "invalid_request", reason: "wrong API" } });
});

it("credentials-exchange: a deny code Auth0 does not accept becomes server_error, named", async () => {
  const outcome = await runTriggerAction(
    "credentials-exchange",
    `exports.onExecuteCredentialsExchange = (e, api) => { api.access.deny("access_denied", "no"); };`,
    m2mEvent,
  );
  expect(outcome.denied).toEqual({ code: "server_error", reason: 'api.access.deny: invalid code "access_denied"' });
});

it("pre-user-registration: metadata, deny(reason, userMessage) and validation.error", async () => {
  const code = `exports.onExecutePreUserRegistration = async (event, api) => {
    api.user.setAppMetadata("usertype", "member");
    api.user.setUserMetadata("locale", "ja");
    if (event.user.email.endsWith("@mailinator.com")) api.access.deny("disposable email", "Please use your work email.");
  };`;
  const event = {
    user: { email: "kazu@coop.example" },
    connection: { id: "con_1", name: "Username-Password-Authentication", strategy: "auth0" },
    request: { ip: "127.0.0.1", method: "POST", geoip: {}, body: {} },
    secrets: {},
    tenant: { id: "local" },
  };
  expect(await runTriggerAction("pre-user-registration", code, event)).toMatchObject({
    appMetadata: { usertype: "member" },
    userMetadata: { locale: "ja" },
  });
  const denied = await runTriggerAction("pre-user-registration", code, { ...event, user: { email: "x@mailinator.com" } });
  expect(denied.denied).toEqual({ reason: "disposable email", userMessage: "Please use your work email." });
  const invalid = await runTriggerAction(
    "pre-user-registration",
    `exports.onExecutePreUserRegistration = (e, api) => { api.validation.error("invalid_username", "Too short"); };`,
    event,
  );
  expect(invalid).toMatchObject({ validationError: { code: "invalid_username", message: "Too short" } });
});

it.each(TRIGGERS.filter((t) => t.id !== "post-login").map((t) => [t.id, t.entryPoint] as const))(
  "%s: calls %s, awaits it, and reports a missing export or a thrown error",
  async (trigger, entryPoint) => {
    const ran = await runTriggerAction(
      trigger,
      `exports.${entryPoint} = async (event, api) => { await new Promise((r) => setTimeout(r, 5)); api.cache.set("k", "v"); console.log("ran", api.cache.get("k").value); };`,
      { secrets: {} },
    );
    expect(ran.logs).toEqual(["ran v"]);
    expect(ran.error).toBeUndefined();
    expect((await runTriggerAction(trigger, "exports.onExecuteSomethingElse = async () => {};", {})).error).toBe(
      `the code does not export ${entryPoint}`,
    );
    expect((await runTriggerAction(trigger, `exports.${entryPoint} = async () => { throw new Error("boom"); };`, {})).error).toBe("boom");
  },
);

it("a synchronous endless loop is stopped at the time limit", async () => {
  const outcome = await runTriggerAction(
    "post-change-password",
    "exports.onExecutePostChangePassword = () => { while (true) {} };",
    {},
    { timeoutMs: 200 },
  );
  expect(outcome.error).toBe("Script execution did not complete within 0.2 seconds");
});

it("post-login still runs through the post-login runtime", async () => {
  const outcome = await runTriggerAction(
    "post-login",
    `exports.onExecutePostLogin = (e, api) => { api.idToken.setCustomClaim("/usertype", "admin"); };`,
    { user: {}, secrets: {} },
  );
  expect(outcome).toMatchObject({ trigger: "post-login", idTokenClaims: { "/usertype": "admin" } });
});
