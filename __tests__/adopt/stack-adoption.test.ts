/**
 * The tenant file's adoption fields in the synthesized Terraform: import blocks for the Action and
 * its binding, the adopted code byte for byte (no bundling), no write-only secrets and an ignored
 * `deploy` while import_id is set, the binding's display name; and nothing of it without them.
 */
import { App, Testing } from "cdktf";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { applyAdoption } from "../../src/stacks/adoption";
import { REPO_ROOT } from "../../src/paths";
import { TenantStack } from "../../src/stacks/tenant-stack";
import { tenantFor } from "../support/local-tenant";
import { unescapeTerraformTemplate } from "../../src/terraform/template-escape";

const FORUM = "fixtures/adopt/team-tenant/forum-action-fixed.js";

function synth(flows: Parameters<typeof applyAdoption>[1]) {
  const app = new App({ outdir: "/tmp/unused" });
  const stack = new TenantStack(app, tenantFor("adopted", "localhost:1", "append"));
  applyAdoption(stack, flows);
  return JSON.parse(Testing.synth(stack));
}

describe("adoption fields in the stack", () => {
  it("imports the Action and its binding, deploying the adopted code byte for byte and leaving secrets and deploy alone", () => {
    const json = synth({
      "post-login": {
        mode: "append",
        import_bindings: true,
        actions: [
          {
            handler: "add-metadata-claims",
            import_id: "act-1",
            adopted_code: FORUM,
            display_name: "Claims",
          },
        ],
      },
    });
    expect(json.import).toEqual([
      { id: "act-1", to: "auth0_action.add_metadata_claims" },
      {
        id: "post-login::act-1",
        to: "auth0_trigger_action.post_login_binding_0",
      },
    ]);
    const action = json.resource.auth0_action.add_metadata_claims;
    expect(unescapeTerraformTemplate(action.code)).toBe(readFileSync(join(REPO_ROOT, FORUM), "utf8"));
    expect(action.secrets_wo).toBeUndefined();
    expect(action.secrets_wo_version).toBeUndefined();
    expect(action.lifecycle).toEqual({ ignore_changes: ["deploy"] });
    expect(json.resource.auth0_trigger_action.post_login_binding_0.display_name).toBe("Claims");
  });

  it("without import_id the Action is fully managed: its secrets are sent and deploy is not ignored", () => {
    const json = synth({
      "post-login": {
        mode: "append",
        actions: [{ handler: "add-metadata-claims" }],
      },
    });
    expect(json.import).toBeUndefined();
    const action = json.resource.auth0_action.add_metadata_claims;
    expect(action.secrets_wo).toHaveLength(1);
    expect(action.lifecycle).toBeUndefined();
    expect(unescapeTerraformTemplate(action.code)).not.toBe(readFileSync(join(REPO_ROOT, FORUM), "utf8"));
  });

  it("names a missing adopted_code file", () => {
    expect(() =>
      synth({
        "post-login": {
          mode: "append",
          actions: [
            {
              handler: "add-metadata-claims",
              adopted_code: "actions/post-login/gone.js",
            },
          ],
        },
      }),
    ).toThrow("adopted_code: actions/post-login/gone.js does not exist");
  });
});
