/** The credentials-exchange Action "M2M claims", called as Auth0 calls it in the Action sandbox, through the recording api. */
import { runTriggerSandboxed as runTriggerAction } from "../../src/sandbox/sandboxed-outcome";
import { bundleActionHandler } from "../../src/bundle/bundle-action";

const code = bundleActionHandler("credentials-exchange", "m2m-claims").code;
const event = (metadata: Record<string, string>) => ({
  accessToken: { customClaims: {}, scope: [] },
  client: { client_id: "reports", name: "Reports job", metadata },
  request: { ip: "127.0.0.1", method: "POST", geoip: {}, body: {} },
  resource_server: { identifier: "https://api.coop.example/" },
  secrets: {},
  tenant: { id: "coop" },
});

it('a client without metadata is a "machine"', async () => {
  const outcome = await runTriggerAction("credentials-exchange", code, event({}));
  expect(outcome).toMatchObject({ accessTokenClaims: { "/usertype": "machine" } });
  expect(outcome.error).toBeUndefined();
});

it("copies usertype and the comma-separated coops of the client's metadata", async () => {
  const outcome = await runTriggerAction("credentials-exchange", code, event({ usertype: "partner", coops: "coop-a, coop-b,," }));
  expect(outcome).toMatchObject({ accessTokenClaims: { "/usertype": "partner", "/coops": ["coop-a", "coop-b"] } });
  expect(outcome.denied).toBeUndefined();
});

it("never throws on an event without a client", async () => {
  const outcome = await runTriggerAction("credentials-exchange", code, { secrets: {} });
  expect(outcome.error).toBeUndefined();
  expect(outcome).toMatchObject({ accessTokenClaims: { "/usertype": "machine" } });
});
