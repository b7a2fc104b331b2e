/**
 * The Hook parity harness finds differences (it is not a tautology) and never crashes: a hand-made
 * Action that differs from the Hook in claims, denial, scope or HTTP calls is reported field by
 * field with exit 1; unusable input is exit 3 with a message.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parityHookCli } from "../../src/parity/hook/cli";
import { runCli } from "../support/migrate-hook";
import { tempDir } from "../support/temp-dir";

const dir = tempDir("parity-hook");
const hook = join(dir, "claims.js");
writeFileSync(
  hook,
  `module.exports = function (client, scope, audience, context, cb) {
    if (client.metadata.blocked === 'yes') return cb(new InvalidRequestError('blocked'));
    const request = require('request@2.88.2');
    request.get({ url: 'https://api.example.com/plan/' + client.id, json: true }, function (err, res, body) {
      cb(null, { scope: scope, 'https://example.com/plan': body.plan, ignored: 'not a URL' });
    });
  };`,
);
const fixtures = join(dir, "claims.fixtures.json");
writeFileSync(
  fixtures,
  JSON.stringify({
    trigger: "credentials-exchange",
    migration: { fullyConverted: true },
    fixtures: [
      {
        name: "plan found",
        event: { client: { client_id: "c1" } },
        http: [{ url: "https://api.example.com/plan/c1", body: { plan: "gold" } }],
      },
      { name: "blocked", event: { client: { client_id: "c2", metadata: { blocked: "yes" } } } },
    ],
  }),
);

function action(name: string, body: string): string {
  const file = join(dir, `${name}.ts`);
  writeFileSync(
    file,
    `const request = require("request");\nexport const onExecuteCredentialsExchange = async (event: any, api: any): Promise<void> => {\n${body}\n};\n`,
  );
  return file;
}

const faithful = `
  if (event.client.metadata.blocked === "yes") { api.access.deny("invalid_request", "blocked"); return; }
  const body: any = await new Promise((resolve) => request.get({ url: "https://api.example.com/plan/" + event.client.client_id, json: true }, (_e: unknown, _r: unknown, b: unknown) => resolve(b)));
  api.accessToken.setCustomClaim("https://example.com/plan", body.plan);`;

it("exit 0 when the Action does what the Hook did on every fixture", async () => {
  const result = await runCli(parityHookCli, [hook, action("faithful", faithful), "--fixtures", fixtures]);
  expect(result.stderr).toBe("");
  expect(result.stdout).toContain("2 fixture(s): 2 the same, 0 different");
  expect(result.status).toBe(0);
});

it("exit 1 with every difference: a claim's value, a claim the Hook never set, the denial, the HTTP calls", async () => {
  const wrong = action(
    "wrong",
    `
  if (event.client.metadata.blocked === "yes") { api.access.deny("invalid_scope", "blocked"); return; }
  api.accessToken.setCustomClaim("https://example.com/plan", "silver");
  api.accessToken.setCustomClaim("ignored", "not a URL");`,
  );
  const result = await runCli(parityHookCli, [hook, wrong, "--fixtures", fixtures, "--trigger", "credentials-exchange"]);
  expect(result.status).toBe(1);
  expect(result.stdout).toContain("DIFFERENT  plan found");
  expect(result.stdout).toContain('claims.https://example.com/plan: Hook "gold", Action "silver"');
  expect(result.stdout).toContain('claims.ignored: Hook (not set), Action "not a URL"');
  expect(result.stdout).toContain('HTTP calls: Hook ["GET https://api.example.com/plan/c1"], Action []');
  expect(result.stdout).toContain("DIFFERENT  blocked");
  expect(result.stdout).toContain('code: Hook "invalid_request", Action "invalid_scope"');
  expect(result.stdout).toContain("2 fixture(s): 0 the same, 2 different");
});

it("a throwing Action is a difference (failed vs issued), not a crash", async () => {
  const result = await runCli(parityHookCli, [hook, action("throws", `throw new Error("nope");`), "--fixtures", fixtures]);
  expect(result.status).toBe(1);
  expect(result.stdout).toContain('result: Hook "issued", Action "failed"');
  expect(result.stdout).toContain('message: Hook (not set), Action "nope"');
});

it("exit 3, with a message and no stack trace, when the harness cannot run", async () => {
  const cases: Array<[string[], RegExp]> = [
    [[hook], /usage: npm run parity-hook/],
    [
      [hook, join(dir, "missing.ts"), "--fixtures", fixtures],
      /Action file not found; convert the Hook first \(npm run migrate-hook -- .* --trigger credentials-exchange\)/,
    ],
    [[hook, action("faithful2", faithful), "--fixtures", join(dir, "none.json")], /fixture file not found/],
    [
      [hook, action("faithful3", faithful), "--fixtures", fixtures, "--trigger", "pre-user-registration"],
      /its fixtures are for credentials-exchange Hooks, not pre-user-registration/,
    ],
    [
      [hook, action("faithful4", faithful), "--fixtures", fixtures, "--trigger", "post-login"],
      /--trigger "post-login": a Hook type is one of/,
    ],
    [[hook, action("broken", "const = ;"), "--fixtures", fixtures], /cannot bundle the Action/],
  ];
  for (const [argv, message] of cases) {
    const result = await runCli(parityHookCli, argv);
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }
  const badFixtures = join(dir, "bad.fixtures.json");
  writeFileSync(
    badFixtures,
    JSON.stringify({ trigger: "credentials-exchange", migration: { fullyConverted: true }, fixtures: [{ name: "x", evnt: {} }] }),
  );
  const bad = await runCli(parityHookCli, [hook, action("faithful5", faithful), "--fixtures", badFixtures]);
  expect(bad.status).toBe(3);
  expect(bad.stderr).toContain("fixtures[0]: unknown field(s) evnt; a fixture has name, event, secrets, http");
});
