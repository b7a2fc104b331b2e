/** The planner alone (no tenant, no files): names, secrets' variables, runtimes, drafts, and the declared Action a tenant lacks. */
import { AdoptRefusedError, planAdoption, secretEnvName } from "../../src/adopt/planner";
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
    expect(secretEnvName("deny-blocked-users", "API_KEY")).toBe("DENY_BLOCKED_USERS_API_KEY");
    // Mixed-case secret names (as in Auth0's docs) map to a valid variable name, one to one.
    expect(secretEnvName("deny-blocked-users", "mySecret")).toBe("DENY_BLOCKED_USERS_MY_SECRET");
    const taken = new Set(["DENY_BLOCKED_USERS_MY_SECRET"]);
    expect(secretEnvName("deny-blocked-users", "MY_SECRET", taken)).toMatch(/^DENY_BLOCKED_USERS_MY_SECRET_[0-9A-F]{6}$/);
    expect(secretEnvName("deny-blocked-users", "MY_SECRET", taken)).toBe(secretEnvName("deny-blocked-users", "MY_SECRET", taken));
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

  const hostile = (patch: Partial<TenantSnapshot>): TenantSnapshot => ({ ...snapshot, ...patch });

  it("refuses a trigger id it does not declare, naming it and the allowed ids", () => {
    const bindings = { "../../../../tmp/x": [{ actionId: "a1", displayName: "x" }] };
    expect(() => planAdoption(hostile({ bindings }), repo, "dev")).toThrow(AdoptRefusedError);
    expect(() => planAdoption(hostile({ bindings }), repo, "dev")).toThrow(
      /trigger "\.\.\/\.\.\/\.\.\/\.\.\/tmp\/x".*post-login, credentials-exchange/,
    );
  });

  it("refuses a Hook whose triggerId is not a Hook trigger, naming the Hook and the field", () => {
    const hooks = [{ id: "h1", name: "Sneaky", triggerId: "../../../etc", enabled: true, script: "", dependencies: {}, secretNames: [] }];
    expect(() => planAdoption(hostile({ hooks }), repo, "dev")).toThrow(
      /Hook "Sneaky" \(id h1\): triggerId "\.\.\/\.\.\/\.\.\/etc" is not a Hook trigger/,
    );
  });

  it("turns names into file names under the fixed folders, never paths", () => {
    const action = (id: string, name: string) => ({
      id,
      name,
      trigger: { id: "post-login", version: "v3" },
      deployed: { code: `// ${id}\n`, runtime: "node22", dependencies: [], secretNames: [] },
      pendingDraft: false,
    });
    const plan = planAdoption(
      hostile({
        actions: [action("a1", "../../etc/passwd"), action("a2", "/etc/passwd"), action("a3", "..")],
        bindings: { "post-login": ["a1", "a2", "a3"].map((actionId) => ({ actionId, displayName: "x" })) },
        rules: [{ id: "r1", name: "../../../../etc/shadow", enabled: false, order: 1, script: "function (u, c, cb) { cb(null, u, c); }" }],
        hooks: [
          {
            id: "h1",
            name: "..\\..\\boot.ini",
            triggerId: "credentials-exchange",
            enabled: true,
            script: "",
            dependencies: {},
            secretNames: [],
          },
        ],
      }),
      repo,
      "dev",
    );
    expect(Object.keys(plan.files).sort()).toEqual([
      "actions/post-login/etc-passwd-2.js",
      "actions/post-login/etc-passwd.js",
      expect.stringMatching(/^actions\/post-login\/item-[0-9a-f]{8}\.js$/),
      "hooks/dev/credentials-exchange/boot-ini.js",
      "rules/dev/etc-shadow.js",
    ]);
  });

  it("keeps mixed-case secret names and unpinned versions as the tenant has them, and says they are not pinned", () => {
    const actions = [
      {
        id: "a1",
        name: "Deny blocked users",
        trigger: { id: "post-login", version: "v3" },
        deployed: {
          code: "// a1\n",
          runtime: "node22",
          dependencies: [{ name: "lodash", version: "latest" }],
          secretNames: ["MY_SECRET", "mySecret"],
        },
        pendingDraft: false,
      },
    ];
    const plan = planAdoption(hostile({ actions }), repo, "dev");
    const entry = plan.flows["post-login"].actions[0];
    expect(entry.secrets).toEqual({
      MY_SECRET: { env: "DENY_BLOCKED_USERS_MY_SECRET" },
      mySecret: { env: expect.stringMatching(/^DENY_BLOCKED_USERS_MY_SECRET_[0-9A-F]{6}$/) },
    });
    expect(entry.dependencies).toEqual({ lodash: "latest" });
    expect(plan.summary.needingAttention.join("\n")).toContain("lodash latest not pinned");
  });

  it("refuses a secret name or a version a tenant file cannot hold, naming the Action and the field", () => {
    const withSecret = (secretNames: string[], dependencies: Array<{ name: string; version: string }> = []) => [
      {
        id: "a1",
        name: "Deny blocked users",
        trigger: { id: "post-login", version: "v3" },
        deployed: { code: "// a1\n", runtime: "node22", dependencies, secretNames },
        pendingDraft: false,
      },
    ];
    expect(() => planAdoption(hostile({ actions: withSecret(["my-secret"]) }), repo, "dev")).toThrow(
      /Action "Deny blocked users" \(id a1\): secrets\[\]\.name "my-secret" cannot be declared/,
    );
    expect(() => planAdoption(hostile({ actions: withSecret([], [{ name: "lodash", version: "file:../../x" }]) }), repo, "dev")).toThrow(
      /dependencies\[\]\.version "file:\.\.\/\.\.\/x" of lodash is not a version/,
    );
  });

  it("refuses what the tenant file's schema would refuse, such as a runtime it does not offer", () => {
    const actions = [{ ...snapshot.actions[0], deployed: { ...snapshot.actions[0].deployed!, runtime: "node18-actions" } }];
    expect(() => planAdoption(hostile({ actions }), repo, "dev")).toThrow(
      /post-login: Action "Deny blocked users" \(id a1\): runtime: Invalid enum value/,
    );
  });
});
