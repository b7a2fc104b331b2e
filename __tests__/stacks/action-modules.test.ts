/**
 * Action Modules in synthesized stacks: one artifact (module and Action code byte-identical in every
 * tenant), pins derived from the code's `require("actions:<name>")`, and bad input named.
 * Deploying and running them: __tests__/local-tenant/modules-e2e.test.ts.
 */
import { Testing } from "cdktf";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { parseTenantFile, type Tenant } from "../../src/config/load-tenants";
import { tenantSchema } from "../../src/config/tenant-schema";
import { bundleActionModule } from "../../src/bundle/action-modules";
import { loadActionModule, runPostLogin } from "../../src/actions-runtime/run-post-login";
import { TenantStack } from "../../src/stacks/tenant-stack";
import { postLoginEvent } from "../support/events";
import { unescapeTerraformTemplate } from "../../src/terraform/template-escape";
import { tempDir } from "../support/temp-dir";

const HANDLERS = join(__dirname, "..", "local-tenant", "handlers");

function tenant(
  name: string,
  domain: string,
  modules: string,
  actions = "[{ handler: add-metadata-claims }, { handler: greet-with-module }]",
) {
  const text = `
domain: ${domain}
claims: { namespace: "", id_token: [usertype] }
${modules}
flows:
  post-login:
    actions: ${actions}
backend: { type: local, path: state/${name}.tfstate }
`;
  return { ...tenantSchema.parse(parse(text)), name, file: `tenants/${name}.yaml` } as Tenant;
}

function synth(t: Tenant) {
  const stack = new TenantStack(Testing.app(), t, { handlersRoot: HANDLERS });
  return JSON.parse(Testing.synth(stack)) as {
    resource: Record<string, Record<string, Record<string, unknown>>>;
    output: Record<string, { value: unknown }>;
  };
}

it("every tenant publishes the same module code and deploys the same Action code; only the pins (resource references) tie them", () => {
  const [dev, prod] = [
    synth(tenant("dev", "coop-dev.eu.auth0.com", "modules: { greeting: {} }")),
    synth(tenant("prod", "coop.eu.auth0.com", "modules:\n  greeting:")),
  ];
  for (const stack of [dev, prod]) {
    expect(stack.resource.auth0_action_module.greeting).toMatchObject({
      name: "greeting",
      publish: true,
      lifecycle: { create_before_destroy: true },
    });
    expect(stack.resource.auth0_action.greet_with_module.modules).toEqual([
      { module_id: "${auth0_action_module.greeting.id}", module_version_id: "${auth0_action_module.greeting.version_id}" },
    ]);
    expect(stack.output.action_module_code_sha256.value).toEqual({ greeting: "${sha256(auth0_action_module.greeting.code)}" });
  }
  expect(dev.resource.auth0_action_module.greeting.code).toBe(prod.resource.auth0_action_module.greeting.code);
  expect(dev.resource.auth0_action.greet_with_module.code).toBe(prod.resource.auth0_action.greet_with_module.code);
  const moduleCode = unescapeTerraformTemplate(dev.resource.auth0_action_module.greeting.code as string);
  expect(moduleCode).toBe(bundleActionModule("greeting", [], join(HANDLERS, "modules")).code);
  expect(moduleCode).toContain('// __tests__/local-tenant/handlers/modules/greeting/index.ts: Action Module "greeting"');
});

it("what is tested is what is deployed: the synthesized Action runs with the synthesized module's code", async () => {
  const stack = synth(tenant("dev", "coop-dev.eu.auth0.com", "modules: { greeting: {} }"));
  const code = (resource: Record<string, unknown>) => unescapeTerraformTemplate(resource.code as string);
  const greeting = loadActionModule(code(stack.resource.auth0_action_module.greeting));
  const outcome = await runPostLogin(code(stack.resource.auth0_action.greet_with_module), postLoginEvent(), {
    modules: { "actions:greeting": greeting },
  });
  expect(outcome.error).toBeUndefined();
  expect(outcome.idTokenClaims).toEqual({ "https://claims.example.com/greeting": "Hello, Kazuyuki" });
});

it("a module's dependencies are declared on the module, sorted", () => {
  const stack = synth(tenant("dev", "coop-dev.eu.auth0.com", "modules: { greeting: { dependencies: { uuid: 9.0.1, axios: 1.7.9 } } }"));
  expect(stack.resource.auth0_action_module.greeting.dependencies).toEqual([
    { name: "axios", version: "1.7.9" },
    { name: "uuid", version: "9.0.1" },
  ]);
});

it("a declared module no Action requires is published, and no Action is pinned to it", () => {
  const stack = synth(tenant("dev", "coop-dev.eu.auth0.com", "modules: { greeting: {} }", "[{ handler: add-metadata-claims }]"));
  expect(Object.keys(stack.resource.auth0_action_module)).toEqual(["greeting"]);
  expect(stack.resource.auth0_action.add_metadata_claims.modules).toBeUndefined();
});

it("an Action requiring a module the tenant does not declare stops synth, naming the handler and the fix", () => {
  expect(() => synth(tenant("dev", "coop-dev.eu.auth0.com", ""))).toThrow(
    'actions/post-login/greet-with-module.ts requires "actions:greeting", which this tenant does not deploy; add "greeting: {}" under modules in the tenant file',
  );
});

it("a tenant stack without modules has no module resource and no module output (existing stacks are unchanged)", () => {
  const stack = synth(tenant("dev", "coop-dev.eu.auth0.com", "", "[{ handler: add-metadata-claims }]"));
  expect(stack.resource.auth0_action_module).toBeUndefined();
  expect(stack.output.action_module_code_sha256).toBeUndefined();
});

describe("module bundles", () => {
  const root = tempDir("action-modules");
  const write = (file: string, text: string) => {
    mkdirSync(join(root, file, ".."), { recursive: true });
    writeFileSync(join(root, file), text);
  };

  it("are deterministic and keep npm dependencies external", () => {
    write("lodashy/index.ts", 'import { capitalize } from "lodash";\nexport const shout = (s: string) => capitalize(s) + "!";\n');
    const first = bundleActionModule("lodashy", ["lodash"], root);
    expect(bundleActionModule("lodashy", ["lodash"], root).code).toBe(first.code);
    expect(first.code).toContain('require("lodash")');
  });

  it("refuse a module that requires another module (Auth0 does not resolve modules from modules)", () => {
    write("nested/index.ts", 'import { greeting } from "actions:greeting";\nexport const twice = (n: string) => greeting(greeting(n));\n');
    expect(() => bundleActionModule("nested", [], root)).toThrow(
      'nested/index.ts requires "actions:greeting": Auth0 does not let a module require another module',
    );
  });

  it("refuse an import that names no module (a sub-path, or another spelling)", () => {
    write("subpath/index.ts", 'export { greeting } from "actions:greeting/index";\n');
    expect(() => bundleActionModule("subpath", [], root)).toThrow(
      'subpath/index.ts: "actions:greeting/index" names no Action Module; import a module by its folder name under actions/modules/',
    );
  });

  it("name the missing file and refuse names that are not kebab-case folders", () => {
    expect(() => bundleActionModule("absent", [], root)).toThrow(`module "absent": ${join(root, "absent", "index.ts")} does not exist`);
    expect(() => bundleActionModule("Bad_Name", [], root)).toThrow('module "Bad_Name": a module name is its folder under actions/modules/');
  });
});

describe("tenant files", () => {
  const file = (modules: string) => `domain: coop-dev.eu.auth0.com\nclaims: { namespace: "", id_token: [usertype] }\n${modules}\n`;

  it("name a declared module whose folder does not exist", () => {
    expect(parseTenantFile("tenants/dev.yaml", file("modules: { absent: {} }"))).toEqual({
      problems: [
        {
          file: "tenants/dev.yaml",
          field: "modules.absent",
          message: "actions/modules/absent/index.ts does not exist; write the module there, or remove it from modules",
        },
      ],
    });
  });

  it("name a module name that is not a kebab-case folder, and an unknown field of a module", () => {
    const problems = (modules: string) => {
      const parsed = parseTenantFile("tenants/dev.yaml", file(modules));
      return "problems" in parsed ? parsed.problems.map((p) => `${p.field}: ${p.message}`) : [];
    };
    expect(problems("modules: { Greeting: {} }")).toEqual([
      "modules.Greeting: must be a folder name under actions/modules/, in kebab-case",
    ]);
    expect(problems("modules: { greeting: { code: x } }")).toEqual([
      'modules.greeting.code: unknown field; see README "Tenant files" for the fields allowed here',
    ]);
  });
});
