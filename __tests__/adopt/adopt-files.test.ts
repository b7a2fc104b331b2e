/**
 * Adopting a Dashboard-made tenant into a repository (a temp copy of its layout): which files are
 * written, what the tenant file declares, that the tenant is only read, that a second adoption
 * changes nothing, and that local edits are never overwritten without --force.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { adopt, describeOutcome } from "../../src/adopt/adopt";
import { bundlePostLoginHandler } from "../../src/bundle/bundle-action";
import { REPO_ROOT } from "../../src/paths";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { UserDirectory } from "../../src/local-tenant/users";
import { tempDir } from "../support/local-tenant";

const SEED = join(REPO_ROOT, "fixtures/adopt/team-tenant.seed.yaml");
const fixture = (name: string) => readFileSync(join(REPO_ROOT, "fixtures/adopt/team-tenant", name), "utf8");

describe("adopt a Dashboard-made tenant", () => {
  let tenant: LocalTenant;
  let root: string;
  const run = (force = false) =>
    adopt({
      tenant: "team",
      root,
      force,
      connection: { url: tenant.url, token: tenant.token, ca: tenant.caPem },
    });

  beforeAll(async () => {
    tenant = await startLocalTenant({
      stateDir: tempDir("adopt"),
      port: 0,
      dependencies: "syntax",
      users: UserDirectory.of({}),
      seedFile: SEED,
    });
    root = tempDir("adopt-repo");
    mkdirSync(join(root, "tenants"));
    writeFileSync(
      join(root, "tenants/team.yaml"),
      `# the team's tenant\ndomain: ${tenant.domain}\nclaims:\n  namespace: ""\n  id_token: [usertype, coops, coopnames]\nbackend: { type: local, path: state/team.tfstate }\n`,
    );
  });
  afterAll(async () => tenant?.close());

  it("writes each bound Action's deployed code byte for byte, and its flow entry in binding order", async () => {
    const first = await run();
    expect(first.outcome.conflicts).toEqual([]);
    expect(readFileSync(join(root, "actions/post-login/add-metadata-to-user-profile.js"), "utf8")).toBe(fixture("forum-action-fixed.js"));
    expect(readFileSync(join(root, "actions/post-login/notify-siem-on-login.js"), "utf8")).toBe(fixture("notify-siem.js"));
    const file = parseYaml(readFileSync(join(root, "tenants/team.yaml"), "utf8"));
    const forum = tenant.model.listActions({
      actionName: "Add metadata to user profile",
    })[0];
    const siem = tenant.model.listActions({
      actionName: "Notify SIEM on login",
    })[0];
    expect(file.flows).toEqual({
      "post-login": {
        mode: "append",
        import_bindings: true,
        actions: [
          // Named like the Action this repository declares: imported under its handler, with the tenant's code for now.
          {
            handler: "add-metadata-claims",
            adopted_code: "actions/post-login/add-metadata-to-user-profile.js",
            import_id: forum.id,
          },
          {
            handler: "notify-siem-on-login",
            name: "Notify SIEM on login",
            display_name: "SIEM",
            secrets: { SIEM_TOKEN: { env: "NOTIFY_SIEM_ON_LOGIN_SIEM_TOKEN" } },
            dependencies: { axios: "1.7.9" },
            import_id: siem.id,
          },
        ],
      },
    });
    // Everything else in the file is kept, comments included.
    expect(readFileSync(join(root, "tenants/team.yaml"), "utf8")).toMatch(/^# the team's tenant\ndomain: /);
    expect(file.backend).toEqual({ type: "local", path: "state/team.tfstate" });
  });

  it("never writes a secret value, and names the TF_VAR_* to set", async () => {
    const result = await run();
    expect(result.plan.secretVariables).toEqual(["TF_VAR_NOTIFY_SIEM_ON_LOGIN_SIEM_TOKEN"]);
    expect(result.summary).toContain("TF_VAR_NOTIFY_SIEM_ON_LOGIN_SIEM_TOKEN");
    for (const content of Object.values({
      ...result.plan.files,
      summary: result.summary,
    })) {
      expect(content).not.toContain("not-a-real-token");
      expect(content).not.toContain("coop-dev"); // the Hook secret's value
    }
  });

  it("stores Rules and Hooks with the Rule converter's result and a summary of what needs attention", async () => {
    expect(readFileSync(join(root, "rules/team/add-metadata-to-user-profile.js"), "utf8")).toBe(
      readFileSync(join(REPO_ROOT, "rules/add-metadata-to-user-profile.js"), "utf8"),
    );
    expect(existsSync(join(root, "rules/team/deny-by-email-domain.js"))).toBe(true);
    expect(existsSync(join(root, "rules/team/require-verified-email.js"))).toBe(true);
    expect(readFileSync(join(root, "hooks/team/credentials-exchange/add-tenant-claim-to-m2m-tokens.js"), "utf8")).toBe(
      fixture("m2m-hook.js"),
    );
    // The seed's Rule converts fully (as migrate-rule shows); its handler does not collide with the adopted .js.
    const converted = readFileSync(join(root, "actions/post-login/add-metadata-to-user-profile-rule.ts"), "utf8");
    expect(converted).toContain("onExecutePostLogin");
    expect(readFileSync(join(root, "rules/team/add-metadata-to-user-profile.migration.txt"), "utf8")).toContain("Converted:");
    const summary = readFileSync(join(root, "adopt/team/SUMMARY.md"), "utf8");
    expect(summary).toContain("## Adopted (2)");
    expect(summary).toContain(
      'Rule "Add metadata to user profile" (disabled): rules/team/add-metadata-to-user-profile.js → actions/post-login/add-metadata-to-user-profile-rule.ts',
    );
    expect(summary).toContain('Hook "Add tenant claim to M2M tokens"');
    // The Hook converter's result and report, in the trigger's handler folder.
    expect(readFileSync(join(root, "actions/credentials-exchange/add-tenant-claim-to-m2m-tokens.ts"), "utf8")).toContain(
      "onExecuteCredentialsExchange",
    );
    expect(existsSync(join(root, "hooks/team/credentials-exchange/add-tenant-claim-to-m2m-tokens.migration.txt"))).toBe(true);
    expect(summary).toContain("TENANT_LABEL");
    expect(summary).toMatch(/## Drafts only \(1\)\n\n- post-login: "Experimental locale claim"/);
  });

  it("proposes the repository's handler for the hand-made Action as a separate file", () => {
    const proposed = parseYaml(readFileSync(join(root, "adopt/team/tenant.proposed.yaml"), "utf8"));
    expect(proposed.flows["post-login"].actions[0]).toEqual({
      handler: "add-metadata-claims",
    });
    expect(proposed.flows["post-login"].actions[1].import_id).toBeDefined();
  });

  it("reads the tenant with GET requests only", () => {
    const writes = tenant.requests.filter((r) => r.method !== "GET");
    expect(writes).toEqual([]);
  });

  it("changes no file when run again on the same tenant", async () => {
    const again = await run();
    expect(again.outcome.created).toEqual([]);
    expect(again.outcome.updated).toEqual([]);
    expect(again.outcome.conflicts).toEqual([]);
    expect(describeOutcome(again.outcome)).toMatch(/^No file changed/);
  });

  it("refuses to overwrite a local edit, writing nothing, until --force", async () => {
    const handler = join(root, "actions/post-login/notify-siem-on-login.js");
    writeFileSync(handler, "// edited locally\n");
    const summaryFile = join(root, "adopt/team/SUMMARY.md");
    writeFileSync(summaryFile, "edited too\n");
    const refused = await run();
    expect(refused.outcome.conflicts).toEqual(["actions/post-login/notify-siem-on-login.js", "adopt/team/SUMMARY.md"]);
    expect(readFileSync(handler, "utf8")).toBe("// edited locally\n");
    expect(describeOutcome(refused.outcome)).toContain("--force");
    const forced = await run(true);
    expect(forced.outcome.updated).toEqual(["actions/post-login/notify-siem-on-login.js", "adopt/team/SUMMARY.md"]);
    expect(readFileSync(handler, "utf8")).toBe(fixture("notify-siem.js"));
  });

  it("uses the repository's own handler when the deployed code is byte-identical to what it deploys", async () => {
    const same = await startLocalTenant({
      stateDir: tempDir("adopt-same"),
      port: 0,
      dependencies: "syntax",
      users: UserDirectory.of({}),
    });
    try {
      const code = bundlePostLoginHandler("add-metadata-claims").code;
      const seeded = await fetchSeed(same, {
        actions: [{ name: "Claims", trigger: "post-login", code }],
        bindings: { "post-login": ["Claims"] },
      });
      expect(seeded).toBe(201);
      const dir = tempDir("adopt-same-repo");
      const result = await adopt({
        tenant: "same",
        root: dir,
        domain: same.domain,
        connection: { url: same.url, token: same.token, ca: same.caPem },
      });
      expect(result.plan.flows["post-login"].actions).toEqual([
        {
          handler: "add-metadata-claims",
          name: "Claims",
          import_id: same.model.listActions()[0].id,
        },
      ]);
      expect(Object.keys(result.plan.files)).toEqual([]);
    } finally {
      await same.close();
    }
  });
});

async function fetchSeed(tenant: LocalTenant, body: unknown): Promise<number> {
  const { requestJson } = await import("../../src/local-run/client");
  return (
    await requestJson(`${tenant.url}/local/seed`, {
      method: "POST",
      token: tenant.token,
      ca: tenant.caPem,
      body,
    })
  ).status;
}
