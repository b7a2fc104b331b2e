/**
 * Tenant text never runs as Terraform: every literal string of a synthesized stack is escaped
 * ("${" → "$${", "%{" → "%%{"), and a stack holding a live template anyway fails synth, naming
 * the JSON path. The real Terraform reads escaped text back unchanged: see
 * template-escape.property.test.ts.
 */
import { App, Testing } from "cdktf";
import fc from "fast-check";
import type { Tenant } from "../../src/config/load-tenants";
import { tenantSchema } from "../../src/config/tenant-schema";
import { TenantStack } from "../../src/stacks/tenant-stack";
import {
  assertNoLiveTemplates,
  terraformLiteral,
  unescapeTerraformTemplate,
  UnescapedTemplateError,
} from "../../src/terraform/template-escape";

const FILE_READ = '${file("/etc/hostname")}';
const DIRECTIVE = "%{ if true }x%{ endif }";

function tenant(name: string, file: Record<string, unknown>): Tenant {
  return { ...tenantSchema.parse(file), name, file: `tenants/${name}.yaml` };
}

const claims = { namespace: "https://claims.example.com", id_token: ["usertype"] };

function synth(t: Tenant): { stack: TenantStack; json: Record<string, any> } {
  const stack = new TenantStack(Testing.app(), t);
  return { stack, json: JSON.parse(Testing.synth(stack)) };
}

describe("terraformLiteral", () => {
  it("writes Terraform's literal forms of ${ and %{, and nothing else changes", () => {
    expect(terraformLiteral(FILE_READ)).toBe('$${file("/etc/hostname")}');
    expect(terraformLiteral(DIRECTIVE)).toBe("%%{ if true }x%%{ endif }");
    expect(terraformLiteral("$${already}")).toBe("$$${already}");
    expect(terraformLiteral("Add metadata to user profile $ % { }")).toBe("Add metadata to user profile $ % { }");
  });

  it("refuses text that CDK for Terraform would turn into a reference", () => {
    expect(() => terraformLiteral("${TfToken[TOKEN.1]}", "flows.post-login.actions[0].name")).toThrow(
      /flows\.post-login\.actions\[0\]\.name: .*reserves for references/,
    );
  });

  it("is undone by unescapeTerraformTemplate for any text, and the guard accepts the result", () => {
    const pieces = fc.constantFrom("${", "%{", "$${", "%%{", "$", "%", "{", "}", "\\", '"', "a", "\n");
    const text = fc.oneof(fc.string({ unit: "binary" }), fc.string({ unit: pieces, maxLength: 30 }));
    fc.assert(
      fc.property(text, (s) => {
        fc.pre(!s.includes("TfToken["));
        const escaped = terraformLiteral(s);
        expect(unescapeTerraformTemplate(escaped)).toBe(s);
        expect(() => assertNoLiveTemplates({ resource: { t: { x: { name: escaped } } } }, "t")).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});

describe("a tenant whose names are Terraform templates", () => {
  const { json } = synth(
    tenant("hostile", {
      domain: "hostile.example.com",
      claims,
      flows: {
        "post-login": { mode: "append", actions: [{ handler: "add-metadata-claims", name: FILE_READ }] },
        "credentials-exchange": { mode: "authoritative", actions: [{ handler: "m2m-claims", name: DIRECTIVE }] },
      },
    }),
  );

  it("synthesizes the Action names escaped", () => {
    expect(json.resource.auth0_action.add_metadata_claims.name).toBe('$${file("/etc/hostname")}');
    expect(json.resource.auth0_action.m2m_claims.name).toBe("%%{ if true }x%%{ endif }");
  });

  it("synthesizes the bindings' display names escaped (append and authoritative flows)", () => {
    expect(json.resource.auth0_trigger_action.post_login_binding_0.display_name).toBe('$${file("/etc/hostname")}');
    expect(json.resource.auth0_trigger_actions.credentials_exchange_flow.actions).toEqual([
      { display_name: "%%{ if true }x%%{ endif }", id: "${auth0_action.m2m_claims.id}" },
    ]);
  });

  it("leaves no live template in the stack but its own references", () => {
    const live = JSON.stringify(json.resource).match(/(?<!\$)\$\{[^}]*\}|(?<!%)%\{/g);
    expect(live).toEqual(["${auth0_action.add_metadata_claims.id}", "${auth0_action.m2m_claims.id}"]);
  });
});

describe("adoption fields that are Terraform templates", () => {
  const { json } = synth(
    tenant("adopting", {
      domain: "adopting.example.com",
      claims,
      flows: {
        "post-login": {
          mode: "append",
          import_bindings: true,
          actions: [{ handler: "add-metadata-claims", import_id: FILE_READ, display_name: DIRECTIVE }],
        },
      },
    }),
  );

  it("escapes the import ids and the binding's display name", () => {
    expect(json.import).toEqual([
      { id: '$${file("/etc/hostname")}', to: "auth0_action.add_metadata_claims" },
      { id: 'post-login::$${file("/etc/hostname")}', to: "auth0_trigger_action.post_login_binding_0" },
    ]);
    expect(json.resource.auth0_trigger_action.post_login_binding_0.display_name).toBe("%%{ if true }x%%{ endif }");
  });
});

describe("backend settings", () => {
  it("are written verbatim: Terraform never reads the terraform block as a template", () => {
    const { json } = synth(
      tenant("s3-templated-key", {
        domain: "s3.example.com",
        claims,
        flows: { "post-login": { actions: [{ handler: "add-metadata-claims" }] } },
        backend: { type: "s3", bucket: "state-bucket", key: "auth0/${x}/%{y}.tfstate", region: "eu-west-1" },
      }),
    );
    expect(json.terraform.backend.s3.key).toBe("auth0/${x}/%{y}.tfstate");
  });
});

describe("the synth-time guard", () => {
  function hostileStack(): TenantStack {
    return new TenantStack(
      new App({ outdir: "/tmp/unused", stackTraces: false }),
      tenant("guarded", {
        domain: "guarded.example.com",
        claims,
        flows: { "post-login": { actions: [{ handler: "add-metadata-claims" }] } },
      }),
    );
  }

  it("fails synth on an attribute set without escaping, naming the JSON path", () => {
    const stack = hostileStack();
    stack.actions[0].action.addOverride("name", FILE_READ);
    expect(() => Testing.synth(stack)).toThrow(UnescapedTemplateError);
    expect(() => Testing.synth(stack)).toThrow(/stack guarded: resource\.auth0_action\.add_metadata_claims\.name = .*file/);
  });

  it("fails synth on an unescaped directive in a nested attribute", () => {
    const stack = hostileStack();
    stack.actions[0].action.addOverride("supported_triggers.version", DIRECTIVE);
    expect(() => Testing.synth(stack)).toThrow(/resource\.auth0_action\.add_metadata_claims\.supported_triggers\.version = /);
  });

  it("accepts the references the stack makes, each as a whole string, and nothing around them", () => {
    const ok = ["${var.API_KEY}", "${auth0_action.a_b.id}", "${sha256(auth0_action.a.code)}", "$${x}", "$$${x}", "%%{x}", "$ { % {"];
    for (const text of ok) expect(() => assertNoLiveTemplates({ output: { o: { value: text } } }, "t")).not.toThrow();
    const live = ["name ${var.API_KEY}", "${var.A}${var.B}", "${local.x}", "${auth0_action.a.code}", '%${file("x")}', "a%{ if true }"];
    for (const text of live) {
      expect(() => assertNoLiveTemplates({ resource: { auth0_action: { a: { secrets_wo: [{ value: text }] } } } }, "t")).toThrow(
        "stack t: resource.auth0_action.a.secrets_wo[0].value",
      );
    }
  });

  it("checks object keys too, and skips the terraform block and // comments", () => {
    expect(() => assertNoLiveTemplates({ output: { o: { value: { "${x}": "v" } } } }, "t")).toThrow("output.o.value.${x}");
    expect(() =>
      assertNoLiveTemplates({ terraform: { backend: { s3: { key: "${x}" } } }, "//": { metadata: { path: "${x}" } } }, "t"),
    ).not.toThrow();
  });
});
