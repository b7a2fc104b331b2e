/**
 * Properties over random events: whatever the profile and configuration, the handler never
 * throws, never sets a claim Auth0 would drop, never copies user_metadata, stays within the
 * token's claim budget and is deterministic.
 */
import fc from "fast-check";
import { onExecutePostLogin } from "../../actions/post-login/add-metadata-claims";
/**
 * The oracle, written out from Auth0's documentation independently of actions/lib/claim-rules.ts
 * (which the handler itself uses): a mistake there must not be able to hide here.
 */
const AUTH0_RESTRICTED = new Set(
  (
    "acr act active amr at_hash ath attest aud auth_time authorization_details azp c_hash client_id cnf cty dest " +
    "entitlements events exp groups gty htm htu iat internalService iss jcard jku jti jwe jwk kid may_act mky nbf " +
    "nonce object_id org_id org_name orig origid permissions roles rph s_hash sid sub sub_jwk toe txn typ uuid vot vtm x5t#S256"
  ).split(" "),
);
const auth0Drops = (name: string) =>
  AUTH0_RESTRICTED.has(name) || name.startsWith("sip_") || /(^|[/.@:])(auth0\.com|webtask\.io|webtask\.run)($|[/:?#])/i.test(name);
const LIMIT_BYTES = 100 * 1024;
const claimsBytes = (claims: Record<string, unknown>) =>
  Object.entries(claims).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(JSON.stringify(name)) + Buffer.byteLength(JSON.stringify(value)),
    0,
  );
import { emptyOutcome, recordingApi, type PostLoginOutcome } from "../../src/actions-runtime/run-post-login";
import { postLoginEvent } from "../support/events";

const fieldName = fc.oneof(
  fc.constantFrom("usertype", "coops", "coopnames", "roles", "sub", "groups", "permissions", "sip_x", "__proto__", "constructor"),
  fc.string({ minLength: 1, maxLength: 12 }),
);
const namespace = fc.oneof(
  fc.constant(""),
  fc.constantFrom("https://claims.coop.example", "https://x.auth0.com", "http://webtask.io/ns", "https://a.webtask.run"),
  fc.webUrl({ withQueryParameters: false, withFragments: false }),
  fc.string({ maxLength: 20 }),
);
const anyValue = fc.oneof(
  fc.anything(),
  fc.array(fc.string(), { maxLength: 5000 }),
  fc.constantFrom(undefined, null, "", 0, false, [], {}),
);
const metadata = fc.oneof(fc.dictionary(fieldName, anyValue), fc.anything());
const secrets = fc.oneof(
  fc.record({
    CLAIMS_CONFIG: fc
      .tuple(namespace, fc.array(fieldName), fc.array(fieldName))
      .map(([ns, id, at]) => JSON.stringify({ namespace: ns, id_token: id, access_token: at })),
  }),
  fc.dictionary(fc.string(), fc.string()),
);

async function run(appMetadata: unknown, userMetadata: unknown, secretValues: Record<string, string>): Promise<PostLoginOutcome> {
  const outcome = emptyOutcome();
  await onExecutePostLogin(
    postLoginEvent({ app_metadata: appMetadata, user_metadata: userMetadata, secrets: secretValues }),
    recordingApi(outcome),
  );
  return outcome;
}

beforeEach(() => {
  jest.spyOn(console, "warn").mockImplementation(() => undefined);
  jest.spyOn(console, "error").mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

const claimsOf = (o: PostLoginOutcome) => [o.idTokenClaims, o.accessTokenClaims];

it("never throws and never sets a claim Auth0 would drop", async () => {
  await fc.assert(
    fc.asyncProperty(metadata, secrets, async (md, s) => {
      const outcome = await run(md, {}, s);
      for (const claims of claimsOf(outcome)) {
        for (const name of Object.keys(claims)) expect(auth0Drops(name)).toBe(false);
      }
    }),
    { numRuns: 400 },
  );
});

it("keeps every token's custom claims within Auth0's 100 KB limit", async () => {
  await fc.assert(
    fc.asyncProperty(metadata, secrets, async (md, s) => {
      for (const claims of claimsOf(await run(md, {}, s))) {
        expect(claimsBytes(claims)).toBeLessThanOrEqual(LIMIT_BYTES);
      }
    }),
    { numRuns: 200 },
  );
});

it("never turns user_metadata into a claim", async () => {
  // Markers that exist only in user_metadata (which users can edit themselves).
  const marker = fc.string({ minLength: 1 }).map((s) => `user-edited:${s}`);
  await fc.assert(
    fc.asyncProperty(fc.dictionary(fieldName, anyValue), fc.dictionary(fieldName, marker), secrets, async (md, um, s) => {
      const outcome = await run(md, um, s);
      const serialized = JSON.stringify(claimsOf(outcome));
      for (const value of Object.values(um)) {
        if (!JSON.stringify(md).includes(value)) expect(serialized).not.toContain(JSON.stringify(value).slice(1, -1));
      }
    }),
    { numRuns: 300 },
  );
});

it("is deterministic: the same event gives the same claims", async () => {
  await fc.assert(
    fc.asyncProperty(metadata, secrets, async (md, s) => {
      const [a, b] = [await run(md, {}, s), await run(md, {}, s)];
      expect(claimsOf(a)).toEqual(claimsOf(b));
    }),
    { numRuns: 200 },
  );
});

it("copies configured, non-empty app_metadata fields unchanged (same reference, no coercion)", async () => {
  const value = fc.oneof(fc.string({ minLength: 1 }), fc.integer(), fc.boolean(), fc.array(fc.string(), { minLength: 1, maxLength: 20 }));
  await fc.assert(
    fc.asyncProperty(fc.constantFrom("usertype", "coops", "coopnames"), value, async (field, v) => {
      const outcome = await run(
        { [field]: v },
        {},
        { CLAIMS_CONFIG: JSON.stringify({ namespace: "https://c.example", id_token: [field] }) },
      );
      expect(outcome.idTokenClaims).toEqual({ [`https://c.example/${field}`]: v });
    }),
  );
});
