/**
 * Every check of the constructs and stacks, triggered through their public API (Auth0Action,
 * TenantStack, claimsAction, applyAdoption): each throws a ConstructValidationError (a
 * UserFacingError, so commands print its message alone) with its code, the path of the construct
 * whose props are wrong, and a message `<path>: <what is wrong> [<CODE>]`. Tenant objects are
 * built past the tenant-file checks on purpose: the constructs must refuse bad props themselves.
 */
import { App, TerraformStack, Testing } from "cdktf";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Tenant } from "../../src/config/load-tenants";
import { tenantSchema } from "../../src/config/tenant-schema";
import { Auth0Action, type Auth0ActionProps } from "../../src/constructs/auth0-action";
import { claimsAction } from "../../src/constructs/claims-action";
import { ConstructValidationError, VALIDATION_ERROR_CODES, type ValidationErrorCode } from "../../src/constructs/validation-error";
import { UserFacingError } from "../../src/errors";
import { applyAdoption } from "../../src/stacks/adoption";
import { TenantStack } from "../../src/stacks/tenant-stack";
import type { TriggerId } from "../../src/triggers";
import { tempDir } from "../support/temp-dir";

const HANDLERS = join(__dirname, "..", "local-tenant", "handlers");

/** A valid tenant "dev" (post-login: the claims Action, then `extra` handlers), to be spoiled by `change`. */
function tenant(extra: string[] = [], change: (t: Tenant) => Tenant = (t) => t): Tenant {
  const text = `
domain: coop-dev.eu.auth0.com
claims: { namespace: "", id_token: [usertype] }
flows:
  post-login:
    actions: [${["add-metadata-claims", ...extra].map((h) => `{ handler: ${h} }`).join(", ")}]
backend: { type: local, path: state/dev.tfstate }
`;
  return change({ ...tenantSchema.parse(parse(text)), name: "dev", file: "tenants/dev.yaml" });
}

const stackOf = (t: Tenant) => new TenantStack(new App({ outdir: tempDir("validation-errors-out") }), t, { handlersRoot: HANDLERS });

/** An Auth0Action "act" in stack "dev": props are the claims handler's, with `props` over them. */
function action(props: Partial<Auth0ActionProps>): Auth0Action {
  const stack = new TerraformStack(Testing.app(), "dev");
  return new Auth0Action(stack, "act", { trigger: "post-login", handler: "add-metadata-claims", name: "Act", ...props });
}

/** The error `build` throws; fails the test if it throws nothing or something else. */
function thrownBy(build: () => unknown): ConstructValidationError {
  let caught: unknown;
  try {
    build();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConstructValidationError);
  return caught as ConstructValidationError;
}

const exercised = new Set<ValidationErrorCode>();

/** Asserts the code, the path, that commands treat it as a user's error, and the message's shape and content. */
function expectError(error: ConstructValidationError, code: ValidationErrorCode, path: string, ...fragments: string[]): void {
  expect(error).toBeInstanceOf(UserFacingError);
  expect(error.code).toBe(code);
  expect(error.path).toBe(path);
  expect(error.message.startsWith(`${path}: `)).toBe(true);
  expect(error.message.endsWith(` [${code}]`)).toBe(true);
  // One line: what `cdktf synth` and the commands print.
  expect(error.message).not.toContain("\n");
  for (const fragment of fragments) expect(error.message).toContain(fragment);
  exercised.add(code);
}

describe("Auth0Action", () => {
  it("refuses a trigger that is not in the trigger table, listing those that are", () => {
    const error = thrownBy(() => action({ trigger: "post-logon" as TriggerId }));
    expectError(error, "TRIGGER_UNKNOWN", "dev/act", '"post-logon"', "post-login", "credentials-exchange", "src/triggers.ts");
  });

  it("refuses a trigger version the handlers are not typed for", () => {
    const error = thrownBy(() => action({ triggerVersion: "v1" }));
    expectError(error, "TRIGGER_VERSION_UNSUPPORTED", "dev/act", "triggerVersion", "post-login v1", "post-login v3");
  });

  it("refuses a secret name Auth0 does not accept, naming it", () => {
    const error = thrownBy(() => action({ settings: { "api-key": "x" } }));
    expectError(error, "SECRET_NAME_INVALID", "dev/act", 'secret name "api-key"');
  });

  it("refuses a name that is both a setting and a secret", () => {
    const error = thrownBy(() => action({ settings: { API_KEY: "x" }, secretsFromEnv: { API_KEY: "DEV_API_KEY" } }));
    expectError(error, "SECRET_NAME_CONFLICT", "dev/act", '"API_KEY" is both a setting and a secret');
  });

  it("refuses more than Auth0's 30 secrets per Action, settings included", () => {
    const settings = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`S${i}`, "x"]));
    const secretsFromEnv = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`E${i}`, `ENV_${i}`]));
    expect(() => action({ settings: Object.fromEntries(Object.entries(settings).slice(0, 19)), secretsFromEnv })).not.toThrow();
    const error = thrownBy(() => action({ settings, secretsFromEnv }));
    expectError(error, "TOO_MANY_SECRETS", "dev/act", "31 secrets", "Auth0 allows 30 per Action");
  });

  it("refuses code over Auth0's 100 kB, naming the file and its size", () => {
    const dir = tempDir("validation-errors-big");
    const entry = join(dir, "big.ts");
    writeFileSync(
      entry,
      `const TABLE = ${JSON.stringify("x".repeat(110 * 1024))};\n` +
        "export const onExecutePostLogin = async (_event: unknown, api: any) => api.idToken.setCustomClaim('n', TABLE.length);\n",
    );
    const error = thrownBy(() => action({ handler: "big", entry }));
    expectError(error, "ACTION_CODE_TOO_LARGE", "dev/act", "big.ts", "Auth0 allows 102400");
    expect(error.message).toMatch(/big\.ts bundles to 11\d{4} bytes/);
  });
});

describe("TenantStack", () => {
  it("refuses an Action that requires a module the tenant does not deploy, with the fix", () => {
    const error = thrownBy(() => stackOf(tenant(["greet-with-module"])));
    expectError(
      error,
      "MODULE_NOT_DEPLOYED",
      "dev/greet-with-module",
      'actions/post-login/greet-with-module.ts requires "actions:greeting"',
      'add "greeting: {}" under modules',
    );
  });

  it("refuses a module name that is not a kebab-case folder", () => {
    const error = thrownBy(() => stackOf(tenant([], (t) => ({ ...t, modules: { Greeting: { dependencies: {} } } }))));
    expectError(error, "MODULE_NAME_INVALID", "dev/module-Greeting", 'module name "Greeting"', "kebab-case");
  });

  it("refuses a module dependency that is not an exact version", () => {
    const error = thrownBy(() => stackOf(tenant([], (t) => ({ ...t, modules: { greeting: { dependencies: { uuid: "^9.0.1" } } } }))));
    expectError(error, "DEPENDENCY_VERSION_NOT_EXACT", "dev/module-greeting", 'dependency uuid: "^9.0.1"', "exact version");
  });

  it("refuses claims the tenant-file schema refuses, naming the field", () => {
    const error = thrownBy(() => stackOf(tenant([], (t) => ({ ...t, claims: { namespace: "", id_token: ["roles"], access_token: [] } }))));
    expectError(error, "CLAIMS_INVALID", "dev/claims", 'claims.id_token.0: "roles" is a claim name Auth0 reserves');
  });
});

describe("claimsAction", () => {
  it("names the path the Action would have had: it is not created", () => {
    const stack = new TerraformStack(Testing.app(), "staging");
    const error = thrownBy(() =>
      claimsAction(stack, "my-claims", { claims: { namespace: "https://auth0.com", id_token: [], access_token: [] } }),
    );
    expectError(error, "CLAIMS_INVALID", "staging/my-claims", "claims.namespace");
    expect(stack.node.tryFindChild("my-claims")).toBeUndefined();
  });
});

describe("applyAdoption", () => {
  const adopt = (entry: Record<string, string>, root?: string) => {
    const stack = stackOf(tenant());
    applyAdoption(stack, { "post-login": { mode: "append", actions: [{ handler: "add-metadata-claims", ...entry }] } }, root);
  };

  it("refuses an adopted_code file that does not exist, naming the entry", () => {
    const error = thrownBy(() => adopt({ adopted_code: "actions/post-login/gone.js" }));
    expectError(
      error,
      "ADOPTED_CODE_MISSING",
      "dev/claims",
      "flows.post-login.actions[0].adopted_code: actions/post-login/gone.js does not exist",
    );
  });

  it("refuses adopted code over Auth0's limit", () => {
    const root = tempDir("validation-errors-adopted");
    writeFileSync(join(root, "big.js"), `exports.onExecutePostLogin = async () => ${JSON.stringify("x".repeat(101 * 1024))};\n`);
    const error = thrownBy(() => adopt({ adopted_code: "big.js" }, root));
    expectError(
      error,
      "ACTION_CODE_TOO_LARGE",
      "dev/claims",
      "flows.post-login.actions[0].adopted_code: big.js",
      "Auth0 accepts about 102400",
    );
  });

  it("refuses a flow entry whose handler the stack does not declare, naming the stack", () => {
    const stack = stackOf(tenant());
    const error = thrownBy(() => applyAdoption(stack, { "post-login": { mode: "append", actions: [{ handler: "not-declared" }] } }));
    expectError(error, "ADOPTED_ACTION_MISSING", "dev", "flows.post-login.actions[0]: no auth0_action.not_declared");
  });
});

// Runs last (jest runs a file's tests in order): every code has a case above, so a new check comes with its test.
it("has a case for every code", () => {
  expect([...exercised].sort()).toEqual([...VALIDATION_ERROR_CODES].sort());
});
