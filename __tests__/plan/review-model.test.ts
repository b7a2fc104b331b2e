/**
 * Plan JSON -> review model -> Markdown on hand-made plan JSON: the cases real plans of these
 * stacks rarely produce (replacements, sensitive values, drift), each pinned to its wording.
 */
import { buildDriftReport } from "../../src/drift/drift-report";
import { renderDriftMarkdown } from "../../src/drift/render-drift";
import type { PlanJson, PlanResourceChange } from "../../src/terraform/plan-json";
import { renderReviewMarkdown } from "../../src/plan/render-markdown";
import { buildReview } from "../../src/plan/review";
import type { ReviewContext } from "../../src/plan/review-types";

const context: ReviewContext = {
  tenant: "dev",
  tenantFile: "tenants/dev.yaml",
  flows: [
    { trigger: "post-login", mode: "append", order: ["auth0_action.add_metadata_claims"], actions: ["Add metadata to user profile"] },
  ],
  changedSources: { known: false, reason: "not a git checkout" },
};

const action = (values: Record<string, unknown>) => ({
  name: "Add metadata to user profile",
  code: "x\n",
  runtime: "node22",
  id: "act_1",
  ...values,
});

function change(
  address: string,
  actions: PlanResourceChange["change"]["actions"],
  before: unknown,
  after: unknown,
  extra: Partial<PlanResourceChange["change"]> = {},
): PlanResourceChange {
  const [type, name] = address.split(".");
  return { address, mode: "managed", type, name, change: { actions, before, after, ...extra } };
}

const plan = (...changes: PlanResourceChange[]): PlanJson => ({ format_version: "1.2", resource_changes: changes });

test("counts: a replacement adds one and destroys one, as Terraform's summary does", () => {
  const review = buildReview(
    plan(
      change("auth0_action.a", ["delete", "create"], action({}), action({ code: "y\n" }), { replace_paths: [["supported_triggers"]] }),
      change("auth0_action.b", ["update"], action({ name: "B" }), action({ name: "B", code: "z\n" })),
      change("auth0_trigger_action.c", ["no-op"], {}, {}),
    ),
    context,
  );
  expect(review.counts).toEqual({ add: 1, change: 1, destroy: 1 });
  expect(review.resources.map((r) => r.kind)).toEqual(["replace", "update"]);
  expect(review.warnings.map((w) => w.kind)).toEqual(["action-replaced"]);
  expect(review.warnings[0].message).toContain("(because `supported_triggers` cannot change in place)");
});

test("sensitive values are never shown, write-only ones say so, unknown ones say when they are known", () => {
  const review = buildReview(
    plan(
      change(
        "auth0_action.a",
        ["update"],
        action({ secrets: [{ name: "OLD", value: "hunter2-old" }], secrets_wo: [{ name: "CONFIG", value: null }] }),
        action({ secrets: [{ name: "NEW", value: "hunter2-new" }], secrets_wo: [{ name: "CONFIG", value: null }], secrets_wo_version: 2 }),
        {
          before_sensitive: { secrets: [{ value: true }], secrets_wo: [{ value: true }] },
          after_sensitive: { secrets: [{ value: true }], secrets_wo: [{ value: true }] },
          after_unknown: { version_id: true },
        },
      ),
    ),
    context,
  );
  const markdown = renderReviewMarkdown(review);
  expect(markdown).not.toContain("hunter2");
  expect(markdown).toContain('secrets: [{ name = `"OLD"`, value = (sensitive value) }] → [{ name = `"NEW"`, value = (sensitive value) }]');
  expect(markdown).toContain("secrets_wo_version: (none) → `2`");
  expect(markdown).toContain("version_id: (none) → (known after apply)");
});

test("a binding re-created (its Action changed id) warns that the flow order can change", () => {
  const review = buildReview(
    plan(
      change(
        "auth0_trigger_action.post_login_binding_0",
        ["delete", "create"],
        { action_id: "act_1", display_name: "A", trigger: "post-login" },
        { display_name: "A", trigger: "post-login" },
        {
          replace_paths: [["action_id"]],
          after_unknown: { action_id: true, id: true },
        },
      ),
    ),
    context,
  );
  expect(review.warnings.map((w) => w.kind)).toEqual(["binding-recreated"]);
  expect(review.warnings[0].message).toContain("appended to the end of the flow");
  expect(renderReviewMarkdown(review)).toContain('action_id: `"act_1"` → (known after apply) **(forces replacement)**');
});

test("deleting the authoritative flow unbinds everything, loudly", () => {
  const review = buildReview(
    plan(
      change(
        "auth0_trigger_actions.post_login_flow",
        ["delete"],
        { trigger: "post-login", actions: [{ id: "act_1", display_name: "A" }] },
        null,
      ),
    ),
    { ...context, flows: [{ ...context.flows[0], mode: "authoritative" }] },
  );
  expect(review.warnings).toEqual([
    expect.objectContaining({
      kind: "binding-removed",
      message: expect.stringContaining("every Action bound to post-login is unbound, including bindings made outside this repository"),
    }),
  ]);
});

test("names are escaped: a display name cannot inject Markdown or hide text in an HTML comment", () => {
  const review = buildReview(plan(change("auth0_action.a", ["delete"], action({ name: "*bold* <!-- hidden" }), null)), context);
  const markdown = renderReviewMarkdown(review);
  expect(markdown).toContain('Action "\\*bold\\* \\<!-- hidden"');
  expect(markdown).not.toMatch(/(^|[^\\])<!--/);
});

test("a review says when git cannot tell which sources changed", () => {
  expect(renderReviewMarkdown(buildReview(plan(), context))).toContain(
    "Could not tell which files under `actions/` changed: not a git checkout.",
  );
});

test("drift: resources changed or deleted outside this repository, with what differs", () => {
  const drift: PlanJson = {
    format_version: "1.2",
    prior_state: {
      values: {
        root_module: {
          resources: [
            { address: "auth0_action.a", mode: "managed" },
            { address: "auth0_trigger_action.b", mode: "managed" },
          ],
        },
      },
    },
    resource_drift: [
      change("auth0_action.a", ["update"], action({ runtime: "node22" }), action({ runtime: "node18", code: "edited in the dashboard\n" })),
      change("auth0_trigger_action.b", ["delete"], { action_id: "act_1", display_name: "A", trigger: "post-login" }, null),
    ],
  };
  const report = buildDriftReport(drift, { tenant: "dev", tenantFile: "tenants/dev.yaml" });
  expect(report.checked).toBe(2);
  expect(report.drifted.map((d) => [d.address, d.kind])).toEqual([
    ["auth0_action.a", "update"],
    ["auth0_trigger_action.b", "delete"],
  ]);
  const markdown = renderDriftMarkdown(report);
  expect(markdown).toContain("**2 resources changed outside this repository.**");
  expect(markdown).toContain('- `auth0_action.a`: Action "Add metadata to user profile", changed outside this repository');
  expect(markdown).toContain('  - runtime: recorded `"node22"`, now `"node18"`');
  expect(markdown).toMatch(/ {2}- code: recorded 1 line, sha256 `[0-9a-f]{12}`, now 1 line, sha256 `[0-9a-f]{12}`/);
  expect(markdown).toContain(
    '- `auth0_trigger_action.b`: post-login binding of "A", deleted outside this repository (the next apply creates it again)',
  );
});

test("drift: none, with and without recorded resources", () => {
  const none = (n: number): PlanJson => ({
    format_version: "1.2",
    prior_state: {
      values: { root_module: { resources: Array.from({ length: n }, (_, i) => ({ address: `auth0_action.a${i}`, mode: "managed" })) } },
    },
  });
  expect(renderDriftMarkdown(buildDriftReport(none(0), { tenant: "dev", tenantFile: "tenants/dev.yaml" }))).toContain(
    "records no resources yet",
  );
  expect(renderDriftMarkdown(buildDriftReport(none(2), { tenant: "dev", tenantFile: "tenants/dev.yaml" }))).toContain(
    "The 2 resources recorded for `tenants/dev.yaml` match Auth0.",
  );
});

test("an Action built with a dependency that is not pinned (latest, a range) is a warning; an exact version is not", () => {
  const deps = (version: string) => action({ dependencies: [{ name: "lodash", version }] });
  const review = buildReview(
    plan(
      change("auth0_action.a", ["update"], deps("latest"), { ...deps("latest"), code: "y\n" }),
      change("auth0_action.b", ["create"], null, { ...deps("^4.17.0"), name: "B" }),
      change("auth0_action.c", ["update"], deps("4.17.21"), { ...deps("4.17.21"), code: "z\n" }),
    ),
    context,
  );
  expect(review.warnings.map((w) => [w.kind, w.address])).toEqual([
    ["dependency-unpinned", "auth0_action.a"],
    ["dependency-unpinned", "auth0_action.b"],
  ]);
  expect(review.warnings[0].message).toContain("lodash@latest: not pinned");
  expect(review.warnings[0].message).toContain("pin an exact version in tenants/dev.yaml");
});
