/**
 * The rule that decides whether deploy may delete a same-named Action the state does not record:
 * only when its code is this artifact's, byte for byte, and nothing binds it. Anything else is
 * "unmanaged": reported with the adopt/delete commands, never deleted by a plain deploy.
 */
import type { Action, Binding } from "../../src/management-api/actions";
import { compareTenant, needsRepair, provablyCreatedHere, sha256, type TenantTruth } from "../../src/verify/compare";
import type { DeclaredStack } from "../../src/terraform/declared-stack";

const CODE = "exports.onExecutePostLogin = async () => {};\n";
const declared: DeclaredStack = {
  actions: [{ address: "auth0_action.claims", name: "Claims", trigger: "post-login", sha256: sha256(CODE) }],
  flows: [{ trigger: "post-login", mode: "append", order: ["auth0_action.claims"] }],
};
const ctx = { tenant: "dev", stackDir: "cdktf.out/stacks/dev" };
const managed: Action = {
  id: "act_managed",
  name: "Claims",
  status: "built",
  supported_triggers: [{ id: "post-login", version: "v3" }],
  code: CODE,
  deployed_version: { id: "v1", code: CODE },
  all_changes_deployed: true,
};
const binding = (id: string, i: number): Binding => ({ id: `bnd_${i}`, action: { id, name: "Claims" } });
const other = (extra: Partial<Action> = {}): Action => ({
  id: "act_other",
  name: "Claims",
  supported_triggers: [{ id: "post-login", version: "v3" }],
  code: CODE,
  ...extra,
});
const truth = (o: Action, bound: string[] = ["act_managed"], bindings?: TenantTruth["bindings"]): TenantTruth => ({
  stateIds: { "auth0_action.claims": "act_managed" },
  actionsByName: { Claims: [managed, o] },
  bindings: bindings ?? { "post-login": bound.map(binding) },
});
const kinds = (t: TenantTruth) => compareTenant(declared, t, ctx).findings.map((f) => f.kind);

test("the artifact's code, unbound: an orphan deploy deletes", () => {
  expect(provablyCreatedHere(declared.actions[0], other(), truth(other()))).toBe(true);
  expect(kinds(truth(other({ deployed_version: { id: "v1", code: CODE } })))).toEqual(["orphan"]);
});

test("bound by anything (the state does not record it): unmanaged, even with the artifact's code", () => {
  const findings = compareTenant(declared, truth(other(), ["act_other", "act_managed"]), ctx).findings;
  expect(findings.map((f) => f.kind)).toEqual(["unmanaged"]);
  expect(findings[0].unmanaged).toEqual({ id: "act_other", name: "Claims", boundTo: ["post-login #1"], deployed: false });
  expect(findings[0].fix).toBe("adopt it: npm run adopt -- dev, or delete it: npm run deploy -- dev --delete-unmanaged");
});

test("other code in any version (saved draft or deployed): unmanaged", () => {
  expect(kinds(truth(other({ code: `${CODE}// by hand\n` })))).toEqual(["unmanaged"]);
  expect(kinds(truth(other({ deployed_version: { id: "v1", code: "old" } })))).toEqual(["unmanaged"]);
  expect(kinds(truth(other({ code: undefined })))).toEqual(["unmanaged"]);
});

test("another trigger, or bindings that were not read: unmanaged", () => {
  expect(kinds(truth(other({ supported_triggers: [{ id: "credentials-exchange" }] })))).toEqual(["unmanaged"]);
  const unread = { "post-login": [binding("act_managed", 0)] };
  const onOtherTrigger = other({ supported_triggers: [{ id: "post-user-registration" }] });
  expect(provablyCreatedHere(declared.actions[0], onOtherTrigger, truth(onOtherTrigger, [], unread))).toBe(false);
});

test("only unmanaged findings need no repair; verify still reports them", () => {
  const result = compareTenant(declared, truth(other({ code: "by hand" })), ctx);
  expect(result.exitCode).toBe(2);
  expect(needsRepair(result.findings)).toEqual([]);
});

test("state records nothing and only an unmanaged Action has the name: missing (deploy creates its own), not 'not in state'", () => {
  const t: TenantTruth = { stateIds: {}, actionsByName: { Claims: [other({ code: "by hand" })] }, bindings: { "post-login": [] } };
  expect(kinds(t).sort()).toEqual(["missing", "unmanaged"]);
  const orphanOnly: TenantTruth = { stateIds: {}, actionsByName: { Claims: [other()] }, bindings: { "post-login": [] } };
  expect(kinds(orphanOnly).sort()).toEqual(["not-in-state", "orphan"]);
});
