/**
 * What `cdktf synth` produces for every tenant file: one snapshot per stack, and the
 * properties that matter asserted directly (the snapshot alone would accept any change).
 */
import { TerraformStack, Testing } from "cdktf";
import "cdktf/lib/testing/adapters/jest"; // types of the cdktf jest matchers (registered in setup.js)
import { Action } from "../../.gen/providers/auth0/action/index";
import { Auth0Provider } from "../../.gen/providers/auth0/provider/index";
import { TriggerAction } from "../../.gen/providers/auth0/trigger-action/index";
import { TriggerActions } from "../../.gen/providers/auth0/trigger-actions/index";
import { createHash } from "node:crypto";
import { clearBundleCache } from "../../src/bundle/bundle-action";
import { actionResource, deployedAction, synthRepositoryTenants } from "../support/synth";

const stacks = synthRepositoryTenants();

it("has one stack per tenant file, named after it, including local, dev, staging and prod", () => {
  expect(stacks.map((s) => s.stack.node.id)).toEqual(expect.arrayContaining(["local", "dev", "staging", "prod"]));
  expect(stacks.map((s) => s.stack.node.id)).toEqual(stacks.map((s) => s.tenant.name));
});

describe.each(stacks.map((s) => [s.tenant.name, s] as const))("stack %s", (_name, { json, parsed, tenant }) => {
  it("matches its snapshot, which holds no absolute path", () => {
    expect(json).not.toMatch(/"\/(home|root|tmp|work|Users|var)\//);
    expect(json).toMatchSnapshot();
  });

  it("declares the provider for the tenant's domain and no credential", () => {
    expect(json).toHaveProviderWithProperties(Auth0Provider, { domain: tenant.domain });
    const provider = parsed.provider.auth0[0];
    expect(Object.keys(provider)).toEqual(["domain"]);
  });

  it("declares the Action as post-login v3 on node22, deployed", () => {
    expect(json).toHaveResourceWithProperties(Action, {
      name: "Add metadata to user profile",
      runtime: "node22",
      deploy: true,
      supported_triggers: { id: "post-login", version: "v3" },
    });
  });

  it("passes the tenant's claim configuration as a write-only secret", () => {
    const { secrets } = deployedAction(parsed);
    expect(JSON.parse(secrets.CLAIMS_CONFIG)).toEqual({
      namespace: tenant.claims.namespace,
      id_token: tenant.claims.id_token,
      access_token: tenant.claims.access_token,
    });
    expect(actionResource(parsed).secrets).toBeUndefined(); // `secrets` would store values in state
    expect(typeof actionResource(parsed).secrets_wo_version).toBe("number");
  });

  it("binds that Action to the post-login flow by its id", () => {
    const actionRef = "${auth0_action.add_metadata_claims.id}";
    if (tenant.flows["post-login"]?.mode === "authoritative") {
      expect(json).toHaveResourceWithProperties(TriggerActions, {
        trigger: "post-login",
        actions: [{ id: actionRef, display_name: "Add metadata to user profile" }],
      });
      expect(json).not.toHaveResource(TriggerAction);
    } else {
      expect(json).toHaveResourceWithProperties(TriggerAction, { trigger: "post-login", action_id: actionRef });
      expect(json).not.toHaveResource(TriggerActions);
    }
  });

  it("outputs the sha256 of every Action's code as Terraform sends it, by trigger and handler", () => {
    const expected = Object.fromEntries(
      Object.entries(tenant.flows).map(([trigger, flow]) => [
        trigger,
        Object.fromEntries(flow.actions.map((a) => [a.handler, `\${sha256(auth0_action.${a.handler.replace(/-/g, "_")}.code)}`])),
      ]),
    );
    expect(expected["post-login"]).toEqual({ "add-metadata-claims": "${sha256(auth0_action.add_metadata_claims.code)}" });
    expect(parsed.output.action_code_sha256.value).toEqual(expected);
  });

  it("declares each Action on its flow's trigger and version, and binds each flow with its own mode", () => {
    for (const [trigger, flow] of Object.entries(tenant.flows)) {
      const version = trigger === "post-login" ? "v3" : "v2";
      for (const a of flow.actions) {
        const resource = parsed.resource.auth0_action[a.handler.replace(/-/g, "_")];
        expect(resource.supported_triggers).toEqual({ id: trigger, version });
      }
      const bindings = Object.values(
        (parsed.resource[flow.mode === "authoritative" ? "auth0_trigger_actions" : "auth0_trigger_action"] ?? {}) as unknown as Array<{
          trigger: string;
        }>,
      );
      expect(bindings.filter((b) => b.trigger === trigger).length).toBe(flow.mode === "authoritative" ? 1 : flow.actions.length);
    }
  });

  it("keeps state where the tenant file says", () => {
    const backend = (parsed.terraform.backend ?? {}) as Record<string, Record<string, unknown>>;
    if (tenant.backend.type === "local")
      expect(backend.local.path).toBe(`../../../${tenant.backend.path ?? `state/${tenant.name}.tfstate`}`);
    if (tenant.backend.type === "s3")
      expect(backend.s3).toMatchObject({ bucket: tenant.backend.bucket, key: tenant.backend.key, use_lockfile: true, encrypt: true });
  });
});

it("deploys byte-identical code to every tenant", () => {
  const hashes = new Set(stacks.map((s) => createHash("sha256").update(deployedAction(s.parsed).code).digest("hex")));
  expect(hashes.size).toBe(1);
});

it("is deterministic: a second synth, with a fresh esbuild run, gives the same bytes", () => {
  clearBundleCache();
  const again = synthRepositoryTenants();
  expect(again.map((s) => s.json)).toEqual(stacks.map((s) => s.json));
});

it("keeps the deployed code far below Auth0's ~100 kB limit and free of runtime requires", () => {
  const { code } = deployedAction(stacks[0].parsed);
  expect(Buffer.byteLength(code)).toBeLessThan(20 * 1024);
  expect(code).not.toMatch(/\brequire\(/);
});

it("rejects invalid construct props with a message that says what to change", () => {
  const { claimsAction } = jest.requireActual("../../src/constructs/claims-action");
  const stack = new TerraformStack(Testing.app(), "bad");
  expect(() => claimsAction(stack, "claims", { claims: { namespace: "", id_token: ["roles"], access_token: [] } })).toThrow(
    /claims\.id_token\.0: "roles" is a claim name Auth0 reserves/,
  );
});

it("warns at synth about an empty namespace, and only then", () => {
  const warnings = (s: (typeof stacks)[number]) =>
    s.stack.actions[0].node.metadata.filter((m) => String(m.type).includes("warn")).map((m) => String(m.data));
  for (const s of stacks) {
    if (s.tenant.claims.namespace === "") expect(warnings(s).join("\n")).toContain("legacy");
    else expect(warnings(s)).toEqual([]);
  }
  const { claimsAction } = jest.requireActual("../../src/constructs/claims-action");
  const stack = new TerraformStack(Testing.app(), "url-namespace");
  const action = claimsAction(stack, "claims", {
    claims: { namespace: "https://claims.coop.example", id_token: ["usertype"], access_token: [] },
  });
  expect(action.node.metadata.filter((m: { type: string }) => m.type.includes("warn"))).toEqual([]);
});

describe("secrets_wo_version: what makes Terraform re-send write-only secret values", () => {
  const { Auth0Action } = jest.requireActual("../../src/constructs/auth0-action");
  const { TerraformStack } = jest.requireActual("cdktf");
  const versionOf = (props: Record<string, unknown>) => {
    const stack = new TerraformStack(Testing.app(), "secrets");
    new Auth0Action(stack, "a", { trigger: "post-login", handler: "add-metadata-claims", name: "A", ...props });
    return JSON.parse(Testing.synth(stack)).resource.auth0_action.add_metadata_claims.secrets_wo_version as number;
  };
  const base = { settings: { MODE: "strict" }, secretsFromEnv: { API_KEY: "CRM_API_KEY" } };

  it("stays the same for the same configuration", () => {
    expect(versionOf(base)).toBe(versionOf({ ...base }));
  });

  it.each([
    ["a setting's value changes", { ...base, settings: { MODE: "lenient" } }],
    ["a secret reads another environment variable", { ...base, secretsFromEnv: { API_KEY: "CRM_API_KEY_V2" } }],
    ["the secrets version is bumped for a rotation", { ...base, secretsVersion: 2 }],
  ])("changes when %s", (_label, changed) => {
    expect(versionOf(changed)).not.toBe(versionOf(base));
  });

  it("reads secret values from ephemeral, sensitive Terraform variables, never from the synthesized JSON", () => {
    const stack = new TerraformStack(Testing.app(), "vars");
    new Auth0Action(stack, "a", { trigger: "post-login", handler: "add-metadata-claims", name: "A", ...base });
    const parsed = JSON.parse(Testing.synth(stack));
    expect(parsed.variable.CRM_API_KEY).toMatchObject({ sensitive: true, ephemeral: true, type: "string" });
    expect(parsed.resource.auth0_action.add_metadata_claims.secrets_wo).toEqual([
      { name: "API_KEY", value: "${var.CRM_API_KEY}" },
      { name: "MODE", value: "strict" },
    ]);
  });
});
