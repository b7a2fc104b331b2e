/**
 * Parity runs Rule, Hook and Action code that may be hostile: each side in a sandboxed process of
 * its own (permission model, empty environment, wall-clock kill), compared by the parent on data.
 * Every case here has one expected exit status; none may read the parent's canary (an environment
 * variable and a file), write a file, or hang, and none may end as "same" (exit 0) by cheating.
 */
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parityCli } from "../../src/parity/cli";
import { parityHookCli } from "../../src/parity/hook/cli";
import { REPO_ROOT } from "../../src/paths";
import { tempDir } from "../support/temp-dir";

jest.setTimeout(90_000);

const dir = tempDir("hostile-parity");
const CANARY = `canary-${process.pid}-${Date.now()}-do-not-print`;
const canaryFile = join(dir, "canary.txt");
writeFileSync(canaryFile, `${CANARY}-from-file`);
const marker = (name: string) => join(dir, `written-by-${name}`);

const ruleFixtures = join(dir, "rule.fixtures.json");
writeFileSync(ruleFixtures, JSON.stringify({ fixtures: [{ name: "one login", user: { user_id: "auth0|1" } }] }));
const hookFixtures = join(dir, "hook.fixtures.json");
writeFileSync(
  hookFixtures,
  JSON.stringify({ trigger: "credentials-exchange", migration: { fullyConverted: true }, fixtures: [{ name: "one exchange" }] }),
);

const rule = (name: string, body: string) => file(`${name}.js`, `function (user, context, callback) {\n${body}\n}`);
const hook = (name: string, body: string) =>
  file(`${name}.js`, `module.exports = function (client, scope, audience, context, cb) {\n${body}\n};`);
const postLoginAction = (name: string, body = "") =>
  file(`${name}.ts`, `export const onExecutePostLogin = async (event: any, api: any): Promise<void> => {\n${body}\n};\n`);
const exchangeAction = (name: string, body = "") =>
  file(`${name}.ts`, `export const onExecuteCredentialsExchange = async (event: any, api: any): Promise<void> => {\n${body}\n};\n`);

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const callsBack = "callback(null, user, context);";
/** The host `process` of whatever process runs the code, reached through a function of the host realm. */
const hostProcess = "console.log.constructor('return process')()";

interface Run {
  status: number;
  output: string;
}

async function parity(ruleFile: string, actionFile: string, timeoutMs = 5000): Promise<Run> {
  return inProcess(parityCli, [ruleFile, actionFile, "--fixtures", ruleFixtures, "--timeout-ms", String(timeoutMs)]);
}

async function hookParity(hookFile: string, actionFile: string, timeoutMs = 5000): Promise<Run> {
  return inProcess(parityHookCli, [hookFile, actionFile, "--fixtures", hookFixtures, "--timeout-ms", String(timeoutMs)]);
}

async function inProcess(cli: typeof parityCli, argv: string[]): Promise<Run> {
  const lines: string[] = [];
  const status = await cli(argv, { log: (t) => lines.push(t), error: (t) => lines.push(t) });
  return { status, output: lines.join("\n") };
}

/** The command as users run it, with the canary in its environment. */
function command(script: "parity" | "parity-hook", argv: string[]): Run {
  const result = spawnSync(process.execPath, [require.resolve("tsx/cli"), join(REPO_ROOT, "scripts", `${script}.ts`), ...argv], {
    cwd: REPO_ROOT,
    env: { ...process.env, PARITY_CANARY: CANARY },
    encoding: "utf8",
    timeout: 80_000,
  });
  return { status: result.status ?? -1, output: `${result.stdout}\n${result.stderr}` };
}

function expectNoLeak(run: Run): void {
  expect(run.output).not.toContain(CANARY);
  expect(run.output).not.toContain("PARITY_CANARY");
}

beforeAll(() => {
  process.env.PARITY_CANARY = CANARY;
});
afterAll(() => {
  delete process.env.PARITY_CANARY;
});

it("says 'same' (exit 0) for a harmless Rule and its faithful Action: the cases below can pass", async () => {
  const run = await parity(rule("harmless", callsBack), postLoginAction("noop"));
  expect(run.output).toContain("1 fixture(s): 1 the same, 0 different");
  expect(run.status).toBe(0);
});

it("a Rule cannot start a process: child_process fails, the Rule threw (exit 3)", async () => {
  const run = await parity(
    rule(
      "exec",
      `context.idToken['https://x/out'] = require('child_process').execSync('cat ${canaryFile}; touch ${marker("exec")}').toString();\n${callsBack}`,
    ),
    postLoginAction("noop-exec"),
  );
  expect(run.output).toMatch(/the Rule threw: .*(ERR_ACCESS_DENIED|Access to this API has been restricted)/);
  expect(run.status).toBe(3);
  expect(existsSync(marker("exec"))).toBe(false);
  expectNoLeak(run);
});

it("a Rule that reaches the host process sees an empty environment and cannot read the canary file (a real difference: exit 1)", async () => {
  const run = await parity(
    rule(
      "env",
      `const p = ${hostProcess};
       context.idToken['https://x/env'] = JSON.stringify(p.env);
       try { context.idToken['https://x/file'] = require('fs').readFileSync('${canaryFile}', 'utf8'); }
       catch (e) { context.idToken['https://x/file'] = e.code; }
       ${callsBack}`,
    ),
    postLoginAction("noop-env"),
  );
  expect(run.output).toContain('ID token claim "https://x/env": Rule "{}", Action (not set)');
  expect(run.output).toContain('ID token claim "https://x/file": Rule "ERR_ACCESS_DENIED", Action (not set)');
  expect(run.status).toBe(1);
  expectNoLeak(run);
});

it("a Rule cannot write a file (exit 3), nor can a Hook (its failure is a difference: exit 1)", async () => {
  const ruleRun = await parity(
    rule("write", `require('fs').writeFileSync('${marker("rule")}', 'x');\n${callsBack}`),
    postLoginAction("noop-write"),
  );
  expect(ruleRun.output).toMatch(/the Rule threw: .*(ERR_ACCESS_DENIED|Access to this API has been restricted)/);
  expect(ruleRun.status).toBe(3);
  const hookRun = await hookParity(
    hook("write", `require('fs').writeFileSync('${marker("hook")}', 'x');\ncb(null, {});`),
    exchangeAction("noop-write"),
  );
  expect(hookRun.output).toMatch(/result: Hook "failed", Action "issued"/);
  expect(hookRun.status).toBe(1);
  expect(existsSync(marker("rule"))).toBe(false);
  expect(existsSync(marker("hook"))).toBe(false);
});

it("a Rule that prints 'same' and exits 0 gets no verdict: could not compare, exit 3 (the real command)", () => {
  const forger = rule(
    "exit",
    `const p = ${hostProcess};
     p.stdout.write('  same       one login (allowed)\\n1 fixture(s): 1 the same, 0 different\\n');
     p.exit(0);`,
  );
  const run = command("parity", [
    forger,
    postLoginAction("claims", "api.idToken.setCustomClaim('https://x/c', 1);"),
    "--fixtures",
    ruleFixtures,
  ]);
  expect(run.output).toMatch(/could not compare \(the Rule: its process exited with code 0 without a result/);
  expect(run.output).not.toContain("1 the same");
  expect(run.status).toBe(3);
  expectNoLeak(run);
});

it("a Rule that writes a forged answer where the worker answers gets no verdict (exit 3)", async () => {
  const forged = JSON.stringify({ nonce: "guessed", answers: [] });
  const run = await parity(
    rule("forge", `require('fs').writeSync(3, ${JSON.stringify(`${forged}\n`)});\n${callsBack}`),
    postLoginAction("noop-forge"),
  );
  expect(run.output).toContain("could not compare (the Rule: its process answered with a result the parity worker did not write)");
  expect(run.status).toBe(3);
});

it("a Rule that patches Object.prototype or Array.prototype to fake equality gets no verdict (exit 3), not 'same'", async () => {
  const action = postLoginAction("differs", "api.idToken.setCustomClaim('https://x/c', 1);");
  for (const [name, patch] of [
    ["object", `const O = console.log.constructor('return Object')(); O.prototype.toJSON = function () { return {}; };`],
    ["array", `const A = console.log.constructor('return Array')(); A.prototype.some = function () { return false; };`],
  ]) {
    const run = await parity(rule(`patch-${name}`, `${patch}\n${callsBack}`), action);
    expect(run.output).toMatch(
      /could not compare \(the Rule: the code changed built-ins shared with the runtime \((Object|Array)\.prototype\./,
    );
    expect(run.status).toBe(3);
  }
});

it("`while (true) {}` in a Rule is killed at the limit: could not compare, exit 3 (the real command)", () => {
  const run = command("parity", [
    rule("loop", "while (true) {}"),
    postLoginAction("noop-loop"),
    "--fixtures",
    ruleFixtures,
    "--timeout-ms",
    "1000",
  ]);
  expect(run.output).toMatch(/could not compare \(the Rule: its process was still running after 6 seconds and was killed\)/);
  expect(run.status).toBe(3);
  expectNoLeak(run);
});

it("`while (true) {}` in a Hook is killed at the limit: could not compare, exit 3 (the real command)", () => {
  const run = command("parity-hook", [
    hook("loop", "while (true) {}"),
    exchangeAction("noop-hook-loop"),
    "--fixtures",
    hookFixtures,
    "--timeout-ms",
    "1000",
  ]);
  expect(run.output).toMatch(/could not compare \(the Hook: its process was still running after 6 seconds and was killed\)/);
  expect(run.status).toBe(3);
  expectNoLeak(run);
});

it("`while (true) {}` in an Action, past its first await, is killed at the limit: could not compare, exit 3", async () => {
  const loop = "await Promise.resolve();\nwhile (true) {}";
  const run = await parity(rule("fine", callsBack), postLoginAction("loop", loop), 1000);
  expect(run.output).toMatch(/could not compare \(the Action: its process was still running after 6 seconds and was killed\)/);
  expect(run.status).toBe(3);
  const hookRun = await hookParity(hook("fine", "cb(null, {});"), exchangeAction("loop", loop), 1000);
  expect(hookRun.output).toMatch(/could not compare \(the Action: its process was still running after 6 seconds and was killed\)/);
  expect(hookRun.status).toBe(3);
});
