/** The planner alone (no tenant, no files): names, secrets' variables, runtimes, drafts, and the declared Action a tenant lacks. */
import { planAdoption, secretEnvName, slug } from "../../src/adopt/planner";
import type { TenantSnapshot } from "../../src/adopt/reader";

const repo = [
  {
    trigger: "post-login",
    handler: "add-metadata-claims",
    code: "// the repository's bundle\n",
    declaredName: "Add metadata to user profile",
  },
];

const snapshot: TenantSnapshot = {
  actions: [
    {
      id: "a1",
      name: "Deny blocked users",
      trigger: { id: "post-login", version: "v3" },
      deployed: { code: "exports.onExecutePostLogin = async () => {};\n", runtime: "node18", dependencies: [], secretNames: ["API_KEY"] },
      pendingDraft: true,
    },
    { id: "a2", name: "Half done", trigger: { id: "post-login", version: "v3" }, pendingDraft: false },
  ],
  bindings: { "post-login": [{ actionId: "a1", displayName: "Deny blocked users" }] },
  rules: [],
  hooks: [],
};

describe("adoption planner", () => {
  it("names handlers and secret variables after the Action", () => {
    expect(slug("Add tenant claim to M2M tokens")).toBe("add-tenant-claim-to-m2m-tokens");
    expect(slug("denyBlockedUsers")).toBe("deny-blocked-users");
    expect(slug("???")).toBe("action");
    expect(secretEnvName("deny-blocked-users", "API_KEY")).toBe("DENY_BLOCKED_USERS_API_KEY");
  });

  it("keeps a non-default runtime, reports drafts and undeployed changes, and proposes the declared Action the tenant lacks", () => {
    const plan = planAdoption(snapshot, repo, "dev");
    expect(plan.flows["post-login"].actions).toEqual([
      {
        handler: "deny-blocked-users",
        name: "Deny blocked users",
        runtime: "node18",
        secrets: { API_KEY: { env: "DENY_BLOCKED_USERS_API_KEY" } },
        import_id: "a1",
      },
    ]);
    expect(plan.files).toEqual({ "actions/post-login/deny-blocked-users.js": "exports.onExecutePostLogin = async () => {};\n" });
    expect(plan.summary.draftsOnly).toEqual(['post-login: "Half done" (id a2): never deployed; not adopted']);
    expect(plan.summary.needingAttention.join("\n")).toContain("saved changes that were never deployed");
    expect(plan.summary.needingAttention.join("\n")).toContain("does not run this repository's add-metadata-claims");
    expect(plan.proposedFlows?.["post-login"].actions.map((a) => a.handler)).toEqual(["deny-blocked-users", "add-metadata-claims"]);
  });
});
