/** The promotion rule for Action Modules as a pure function (reading a real tenant: __tests__/local-tenant/modules-e2e.test.ts). */
import { moduleGateReasons } from "../../src/promote/module-gate";

const A = "a".repeat(64);
const B = "b".repeat(64);

it("passes when every Action deployed upstream runs the artifact's module code", () => {
  expect(
    moduleGateReasons("dev", { greeting: A }, { greeting: { found: true, pinned: [{ action: "Greet", versionNumber: 3, sha256: A }] } }),
  ).toEqual([]);
});

it("refuses a module missing upstream, one no deployed Action pins, and one whose pinned version differs", () => {
  const reasons = moduleGateReasons(
    "dev",
    { absent: A, idle: A, stale: A },
    {
      absent: { found: false, pinned: [] },
      idle: { found: true, pinned: [] },
      stale: {
        found: true,
        pinned: [
          { action: "One", versionNumber: 2, sha256: A },
          { action: "Two", versionNumber: 1, sha256: B },
        ],
      },
    },
  );
  expect(reasons).toEqual([
    'Action Module "absent" does not exist in "dev"; deploy this commit to "dev" first',
    'Action Module "idle": no Action deployed in "dev" is pinned to it, so "dev" does not run it yet',
    'Action Module "stale": the code to publish (sha256 aaaaaaaaaaaa) is not the code "dev" runs for "Two" (module version 1, sha256 bbbbbbbbbbbb); deploy this commit to "dev" first',
  ]);
});

it("has nothing to say about an artifact without modules", () => {
  expect(moduleGateReasons("dev", {}, {})).toEqual([]);
});
