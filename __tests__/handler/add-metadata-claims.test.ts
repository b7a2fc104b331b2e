/**
 * The handler's behaviour over many profiles, including odd ones. Runs the TypeScript source
 * directly with the recording api; the deployed bundle is exercised in __tests__/stacks.
 */
import { onExecutePostLogin } from "../../actions/post-login/add-metadata-claims";
import { emptyOutcome, recordingApi, type PostLoginOutcome } from "../../src/actions-runtime/run-post-login";
import { claimsConfigSecret, postLoginEvent, SEED_APP_METADATA } from "../support/events";

const SEED_FIELDS = ["usertype", "coops", "coopnames"];

async function run(appMetadata: unknown, secrets = claimsConfigSecret("", SEED_FIELDS)): Promise<PostLoginOutcome> {
  const outcome = emptyOutcome();
  const event = postLoginEvent({ app_metadata: appMetadata, secrets });
  jest.spyOn(console, "warn").mockImplementation(() => undefined);
  jest.spyOn(console, "error").mockImplementation(() => undefined);
  await onExecutePostLogin(event, recordingApi(outcome));
  return outcome;
}

afterEach(() => jest.restoreAllMocks());

describe("the seed's user", () => {
  it("gets exactly the Rule's three claims, non-namespaced, values unchanged", async () => {
    const outcome = await run(SEED_APP_METADATA);
    expect(outcome.idTokenClaims).toEqual({
      "/usertype": "member",
      "/coops": ["coop-north", "coop-south"],
      "/coopnames": ["Coop North", "Coop South"],
    });
    expect(outcome.accessTokenClaims).toEqual({});
  });

  it("gets URL-namespaced claims when the tenant configures a namespace", async () => {
    const outcome = await run(SEED_APP_METADATA, claimsConfigSecret("https://claims.coop.example", SEED_FIELDS));
    expect(Object.keys(outcome.idTokenClaims).sort()).toEqual([
      "https://claims.coop.example/coopnames",
      "https://claims.coop.example/coops",
      "https://claims.coop.example/usertype",
    ]);
  });

  it("also fills the access token with the fields configured for it", async () => {
    const outcome = await run(SEED_APP_METADATA, claimsConfigSecret("https://c.example", SEED_FIELDS, ["usertype"]));
    expect(outcome.accessTokenClaims).toEqual({ "https://c.example/usertype": "member" });
  });
});

describe("values", () => {
  it.each([
    ["missing field", {}, {}],
    ["null", { usertype: null }, {}],
    ["empty string", { usertype: "" }, {}],
    ["empty array", { coops: [] }, {}],
    ["empty object", { usertype: {} }, {}],
    ["zero is a value", { usertype: 0 }, { "/usertype": 0 }],
    ["false is a value", { usertype: false }, { "/usertype": false }],
    ["whitespace string is a value", { usertype: " " }, { "/usertype": " " }],
    ["nested object passes through", { usertype: { tier: "gold", since: 2020 } }, { "/usertype": { tier: "gold", since: 2020 } }],
    ["array of objects passes through", { coops: [{ id: 1 }, { id: 2 }] }, { "/coops": [{ id: 1 }, { id: 2 }] }],
    ["unicode passes through", { coopnames: ["生協 北", "Coopérative Sud", "🌾"] }, { "/coopnames": ["生協 北", "Coopérative Sud", "🌾"] }],
    ["a single string stays a string", { coops: "coop-north" }, { "/coops": "coop-north" }],
    ["unconfigured fields are ignored", { usertype: "member", roles: ["admin"], plan: "pro" }, { "/usertype": "member" }],
  ])("%s", async (_label, appMetadata, expected) => {
    expect((await run(appMetadata)).idTokenClaims).toEqual(expected);
  });

  it("keeps a large array whole", async () => {
    const coops = Array.from({ length: 2000 }, (_, i) => `coop-${i}`);
    expect((await run({ coops })).idTokenClaims["/coops"]).toEqual(coops);
  });

  it("skips a value that would push the token over Auth0's 100 KB claim limit, keeping the others", async () => {
    const huge = Array.from({ length: 20000 }, (_, i) => `coop-name-${i}`); // > 100 KB as JSON
    const outcome = await run({ usertype: "member", coopnames: huge });
    expect(outcome.idTokenClaims).toEqual({ "/usertype": "member" });
    expect(console.warn).toHaveBeenCalledWith(expect.stringContaining('"/coopnames"'));
  });

  it("ignores inherited properties such as constructor or __proto__", async () => {
    const outcome = await run(
      JSON.parse('{"__proto__": {"usertype": "admin"}}'),
      claimsConfigSecret("", ["usertype", "constructor", "toString"]),
    );
    expect(outcome.idTokenClaims).toEqual({});
  });
});

describe("odd app_metadata never throws and sets no claim", () => {
  it.each([
    ["undefined", undefined],
    ["null", null],
    ["a string", "usertype"],
    ["a number", 42],
    ["an array", ["member"]],
    ["true", true],
  ])("%s", async (_label, appMetadata) => {
    const outcome = await run(appMetadata);
    expect(outcome.idTokenClaims).toEqual({});
    expect(outcome.error).toBeUndefined();
  });
});

describe("configuration", () => {
  it.each([
    ["no CLAIMS_CONFIG secret", {}],
    ["CLAIMS_CONFIG that is not JSON", { CLAIMS_CONFIG: "usertype,coops" }],
    ["CLAIMS_CONFIG without a namespace", { CLAIMS_CONFIG: JSON.stringify({ id_token: SEED_FIELDS }) }],
  ])("%s: no claims and an error in the Action logs", async (_label, secrets) => {
    const outcome = await run(SEED_APP_METADATA, secrets);
    expect(outcome.idTokenClaims).toEqual({});
    expect(console.error).toHaveBeenCalledWith(expect.stringContaining("CLAIMS_CONFIG"));
  });

  it("never sets a claim Auth0 would drop, even when the configuration asks for one", async () => {
    const outcome = await run({ roles: ["admin"], usertype: "member" }, claimsConfigSecret("https://tenant.auth0.com", ["usertype"]));
    expect(outcome.idTokenClaims).toEqual({});
    const bare = await run({ roles: ["admin"] }, { CLAIMS_CONFIG: JSON.stringify({ namespace: "", id_token: ["roles"] }) });
    expect(bare.idTokenClaims).toEqual({ "/roles": ["admin"] }); // "/roles" is not the reserved "roles"
  });
});
