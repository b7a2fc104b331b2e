/**
 * The parity harness: the seed Rule and its conversion behave the same; a real difference is
 * found and named; the event built from a Rule-shaped fixture is the documented table read
 * backwards (checked over random logins); bad fixture files are refused with the field named.
 */
import fc from "fast-check";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CONTEXT_FIELDS } from "../../src/migrate/mapping";
import { eventFromLogin } from "../../src/parity/event-from-login";
import { FixtureError, loadFixtureFile, normalizeFixture, parseFixtureFile } from "../../src/parity/fixtures";
import { runRule } from "../../src/parity/rule-sandbox";
import { parityCli } from "../../src/parity/cli";
import { bundleActionFile, checkParity, parityExitCode } from "../../src/parity/run-parity";
import { convert } from "../support/migrate";
import { tempDir } from "../support/temp-dir";

const ROOT = join(__dirname, "..", "..");
const SEED_RULE_FILE = join(ROOT, "rules", "add-metadata-to-user-profile.js");
const SEED_RULE = readFileSync(SEED_RULE_FILE, "utf8");
const SEED_FIXTURES = loadFixtureFile(join(ROOT, "rules", "add-metadata-to-user-profile.fixtures.json")).fixtures;
const work = tempDir("parity");

/** Writes Action source to a fresh file (the bundler caches by path) and bundles it as the stacks would. */
let written = 0;
function bundleSource(source: string): string {
  const file = join(work, `action-${++written}.ts`);
  writeFileSync(file, source);
  return bundleActionFile(file);
}

it("finds no difference between the seed Rule and its conversion on the seed's fixtures", async () => {
  const converted = await convert(SEED_RULE, {}, "add-metadata-to-user-profile");
  const report = await checkParity({
    ruleSource: SEED_RULE,
    ruleFile: SEED_RULE_FILE,
    actionCode: bundleSource(converted.code),
    fixtures: SEED_FIXTURES,
  });
  expect(report.results.map((r) => [r.fixture, r.differences])).toEqual(SEED_FIXTURES.map((f) => [f.name, []]));
  expect(report.equal).toBe(true);
  expect(report.results[0].action!.idTokenClaims).toEqual({
    "/usertype": "member",
    "/coops": ["coop-north", "coop-south"],
    "/coopnames": ["Coop North", "Coop South"],
  });
});

it("names each difference when the Action does not behave like the Rule", async () => {
  const rule = `function (user, context, callback) {
    if (context.clientName === 'Blocked App') return callback(new UnauthorizedError('this app is closed'));
    context.idToken['https://x.example/tier'] = user.app_metadata.tier;
    user.app_metadata.seen = true;
    auth0.users.updateAppMetadata(user.user_id, user.app_metadata).then(function () { callback(null, user, context); });
  }`;
  const wrongAction = `import type { Event, PostLoginAPI } from "../types/post-login-v3";
    export const onExecutePostLogin = async (event: Event, api: PostLoginAPI): Promise<void> => {
      if (event.client.name === "Blocked App") { api.access.deny("closed"); return; }
      api.idToken.setCustomClaim("https://x.example/tier", "gold");
      api.accessToken.addScope("admin");
    };`;
  const fixtures = parseFixtureFile("inline", {
    fixtures: [
      { name: "blocked", user: { user_id: "auth0|1", app_metadata: { tier: "silver" } }, context: { clientName: "Blocked App" } },
      { name: "allowed", user: { user_id: "auth0|2", app_metadata: { tier: "silver" } } },
    ],
  }).fixtures;
  const report = await checkParity({ ruleSource: rule, ruleFile: "rule.js", actionCode: bundleSource(wrongAction), fixtures });
  expect(report.equal).toBe(false);
  expect(report.results[0].differences).toEqual(['deny message: Rule "this app is closed", Action "closed"']);
  expect(report.results[1].differences).toEqual([
    'ID token claim "https://x.example/tier": Rule "silver", Action "gold"',
    'scopes: Rule ["email","openid","profile"], Action ["admin","email","openid","profile"]',
    'app_metadata after the login: Rule {"seen":true,"tier":"silver"}, Action {"tier":"silver"}',
  ]);
});

it("npm run parity prints the differences and exits 1", () => {
  const wrong = join(work, "wrong-seed.ts");
  writeFileSync(
    wrong,
    `import type { Event, PostLoginAPI } from "../types/post-login-v3";
    export const onExecutePostLogin = async (event: Event, api: PostLoginAPI): Promise<void> => {
      if (event.user.app_metadata.usertype) api.idToken.setCustomClaim("usertype", event.user.app_metadata.usertype);
    };`,
  );
  const run = spawnSync(
    join(ROOT, "node_modules", ".bin", "tsx"),
    [join(ROOT, "scripts", "parity.ts"), "rules/add-metadata-to-user-profile.js", wrong],
    { cwd: ROOT, encoding: "utf8" },
  );
  expect(run.stderr).toBe("");
  expect(run.status).toBe(1);
  expect(run.stdout).toContain("Parity of rules/add-metadata-to-user-profile.js and ");
  expect(run.stdout).toContain(
    '  DIFFERENT  only a usertype\n             ID token claim "/usertype": Rule "guest", Action (not set)\n             ID token claim "usertype": Rule (not set), Action "guest"',
  );
  expect(run.stdout).toContain("  same       no app_metadata at all (allowed)");
  expect(run.stdout).toContain("5 fixture(s): 1 the same, 4 different");
});

it("builds the Action's event from a Rule-shaped login with the documented table read backwards", async () => {
  // A Rule that copies every documented context field into a claim, converted by the converter:
  // equal outcomes on random logins mean both directions of the table agree.
  const rule = `function (user, context, callback) {
    ${CONTEXT_FIELDS.map((m) => `context.idToken['${m.rule}'] = context.${m.rule};`).join("\n    ")}
    callback(null, user, context);
  }`;
  const converted = await convert(rule);
  expect(converted.fullyConverted).toBe(true);
  // Every event path of the table exists in the post-login v3 types: no cast was needed to read one.
  expect(converted.repairs).toEqual({});
  const actionCode = bundleSource(converted.code);
  const text = fc.string({ minLength: 1, maxLength: 12 });
  const contexts = fc.record(
    {
      clientID: text,
      clientName: text,
      clientMetadata: fc.dictionary(fc.constantFrom("tier", "region"), text),
      connection: text,
      connectionStrategy: fc.constantFrom("auth0", "google-oauth2", "samlp"),
      protocol: fc.constantFrom("oidc-basic-profile", "oauth2-refresh-token", "samlp"),
      request: fc.record(
        {
          ip: fc.ipV4(),
          userAgent: text,
          query: fc.dictionary(fc.constantFrom("scope", "prompt", "ui_locales"), text),
          geoip: fc.record(
            { country_code: fc.constantFrom("DE", "JP", "US"), city_name: text, latitude: fc.integer({ min: -90, max: 90 }) },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: [] },
      ),
      stats: fc.record({ loginsCount: fc.nat({ max: 5000 }) }),
      authorization: fc.record({ roles: fc.array(text, { maxLength: 3 }) }),
      authentication: fc.record({
        methods: fc.array(
          fc.record({ name: fc.constantFrom("pwd", "mfa", "federated"), timestamp: fc.integer({ min: 1.5e12, max: 1.8e12 }) }),
          { maxLength: 2 },
        ),
      }),
      riskAssessment: fc.record({ confidence: fc.constantFrom("low", "medium", "high"), version: fc.constant("1") }),
    },
    { requiredKeys: ["authentication"] },
  );
  await fc.assert(
    fc.asyncProperty(contexts, async (context) => {
      const fixtures = parseFixtureFile("generated", {
        fixtures: [{ name: "random login", user: { user_id: "auth0|r" }, context }],
      }).fixtures;
      const report = await checkParity({ ruleSource: rule, ruleFile: "rule.js", actionCode, fixtures });
      expect(report.results[0].differences).toEqual([]);
      expect(report.results[0].rule!.result).toBe("allowed");
    }),
    { numRuns: 40, seed: 5 },
  );
});

it("gives the Action the documented event shape for a Rule-shaped fixture", () => {
  const [login] = parseFixtureFile("inline", {
    fixtures: [
      {
        name: "shape",
        user: { user_id: "auth0|9" },
        context: {
          clientID: "abc",
          request: { userAgent: "UA", geoip: { country_code: "JP" }, query: { scope: "openid read:x" } },
          stats: { loginsCount: 7 },
        },
        configuration: { apiKey: "k" },
      },
    ],
  }).fixtures.map(normalizeFixture);
  const event = eventFromLogin(login);
  expect(event.client.client_id).toBe("abc");
  expect(event.request.user_agent).toBe("UA");
  expect(event.request.geoip.countryCode).toBe("JP");
  expect(event.stats.logins_count).toBe(7);
  expect(event.transaction?.requested_scopes).toEqual(["openid", "read:x"]);
  expect(event.secrets).toEqual({ API_KEY: "k" });
  // Rules could see app_metadata absent; Actions always get an object.
  expect(login.user.app_metadata).toBeUndefined();
  expect(event.user.app_metadata).toEqual({});
});

describe("the Rules sandbox", () => {
  const login = normalizeFixture(parseFixtureFile("inline", { fixtures: [{ name: "x", user: { user_id: "auth0|1" } }] }).fixtures[0]);

  it("reports a Rule that never calls callback as a timed-out login once the time limit passes (not as a crash)", async () => {
    const run = await runRule("function (user, context, callback) { }", "never.js", login, { timeoutMs: 50 });
    expect(run.timedOut).toBe("the Rule did not call callback within 0.05 seconds");
    expect(run.failure).toBeUndefined();
  });

  it("reports a throw in a timer or a rejected async Rule as the Rule's failure", async () => {
    const timer = await runRule("function (user, context, callback) { setTimeout(function () { null.x; }, 1); }", "timer.js", login, {
      timeoutMs: 2000,
    });
    expect(timer.failure).toMatch(/Cannot read properties of null/);
    const rejected = await runRule(
      "async function (user, context, callback) { await Promise.resolve(); throw new Error('async boom'); }",
      "async.js",
      login,
      { timeoutMs: 2000 },
    );
    expect(rejected.failure).toBe("async boom");
  });

  it("reports a throw as a failure and callback(error) as a denial with its message", async () => {
    expect((await runRule("function (user, context, callback) { user.app_metadata.x.y = 1; }", "throws.js", login)).failure).toMatch(
      /Cannot read properties of undefined/,
    );
    const denied = await runRule("function (user, context, callback) { callback(new UnauthorizedError('no')); }", "deny.js", login);
    expect(denied.callbackError).toEqual({ message: "no" });
  });

  it("records metadata updates through the auth0 stub, never sending them anywhere", async () => {
    const run = await runRule(
      "function (user, context, callback) { auth0.users.updateUserMetadata(user.user_id, { a: 1 }).then(function () { callback(null, user, context); }); }",
      "md.js",
      login,
    );
    expect(run.metadataUpdates).toEqual([{ kind: "user_metadata", userId: "auth0|1", metadata: { a: 1 } }]);
  });
});

describe("fixture files", () => {
  it("refuses unknown fields and wrong types, naming the file and the field", () => {
    expect(() =>
      parseFixtureFile("rules/x.fixtures.json", { fixtures: [{ name: "a", user: { user_id: "u" }, context: { clientId: "typo" } }] }),
    ).toThrow(
      "rules/x.fixtures.json: fixtures[0].context: unknown field(s) clientId; a fixture holds login inputs as a Rule saw them (see docs/rule-migration.md)",
    );
    expect(() => parseFixtureFile("f.json", { fixtures: [{ name: "a", user: {} }] })).toThrow(
      "f.json: fixtures[0].user.user_id: is required (string)",
    );
    expect(() => parseFixtureFile("f.json", { fixtures: [] })).toThrow(FixtureError);
  });
});

describe("what parity compares and how it ends", () => {
  const fixtures = (list: unknown[]) => parseFixtureFile("inline", { fixtures: list }).fixtures;
  const allowAll = `import type { Event, PostLoginAPI } from "../types/post-login-v3";
    export const onExecutePostLogin = async (_event: Event, _api: PostLoginAPI): Promise<void> => {};`;

  it("sees a change to the user object that the Action cannot make", async () => {
    const rule =
      "function (user, context, callback) { user.picture = 'https://img.example/' + user.user_id; delete user.nickname; callback(null, user, context); }";
    const report = await checkParity({
      ruleSource: rule,
      ruleFile: "rule.js",
      actionCode: bundleSource(allowAll),
      fixtures: fixtures([{ name: "u", user: { user_id: "auth0|7", nickname: "anna" } }]),
    });
    expect(report.results[0].differences).toEqual([
      'user profile field "picture" (tokens are issued from it): Rule "https://img.example/auth0|7", Action (not set)',
      'user profile field "nickname" (tokens are issued from it): Rule (not set), Action "anna"',
    ]);
    expect(parityExitCode(report)).toBe(1);
  });

  it("tells a Rule that never called back from an Action that let the login through", async () => {
    const report = await checkParity({
      ruleSource: "function (user, context, callback) { if (user.email) return; callback(null, user, context); }",
      ruleFile: "rule.js",
      actionCode: bundleSource(allowAll),
      fixtures: fixtures([{ name: "e", user: { user_id: "a|1", email: "a@x.example" } }]),
      timeoutMs: 100,
    });
    expect(report.results[0].differences).toEqual([
      'result: Rule "timed out", Action "allowed"',
      "  the Rule failed: the Rule did not call callback within 0.1 seconds",
    ]);
  });

  it("compares SAML changes and Duo's provider options", async () => {
    const rule =
      "function (user, context, callback) { context.samlConfiguration.mappings = { email: 'email' }; context.multifactor = { provider: 'duo', ikey: 'I', skey: 'S', host: 'h.example' }; callback(null, user, context); }";
    const action = `import type { Event, PostLoginAPI } from "../types/post-login-v3";
      export const onExecutePostLogin = async (_event: Event, api: PostLoginAPI): Promise<void> => {
        api.multifactor.enable("duo", { providerOptions: { ikey: "I", skey: "S", host: "h.example" } });
      };`;
    const report = await checkParity({
      ruleSource: rule,
      ruleFile: "rule.js",
      actionCode: bundleSource(action),
      fixtures: fixtures([{ name: "s", user: { user_id: "a|1" }, context: { samlConfiguration: {} } }]),
    });
    expect(report.results[0].differences).toEqual([
      'SAML response: Rule {"samlConfiguration":{"mappings":{"email":"email"}}}, Action (not set)',
    ]);
  });

  it("reports a Rule that throws inside an HTTP callback as an error with exit 3, and goes on with the other fixtures", async () => {
    const dir = tempDir("parity-error");
    const ruleFile = join(dir, "throws.js");
    writeFileSync(
      ruleFile,
      "function (user, context, callback) { require('request').get('https://api.example/x', function (err, res, body) { JSON.parse(body).missing.field; callback(null, user, context); }); }",
    );
    writeFileSync(
      join(dir, "throws.fixtures.json"),
      JSON.stringify({
        fixtures: [
          { name: "bad body", user: { user_id: "a|1" }, http: [{ url: "https://api.example/x", body: {} }] },
          { name: "network down", user: { user_id: "a|2" } },
        ],
      }),
    );
    const actionFile = join(dir, "throws.ts");
    writeFileSync(actionFile, allowAll);
    const out: string[] = [];
    const status = await parityCli([ruleFile, actionFile, "--timeout-ms", "2000"], { log: (t) => out.push(t), error: (t) => out.push(t) });
    expect(status).toBe(3);
    const text = out.join("\n");
    expect(text).toContain("  ERROR      bad body\n             the Rule threw: Cannot read properties of undefined (reading 'field')");
    expect(text).toContain("2 fixture(s): 0 the same, 0 different, 2 with an error (no verdict: exit 3)");
  });
});
