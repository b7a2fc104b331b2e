/**
 * actionlint (pinned, built from its Go module) finds nothing in .github/workflows. The binary is
 * built before jest starts (`npm test` runs `scripts/actionlint.sh --build`); this test only runs it,
 * and fails at once, saying what to run, when it is not there.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../../src/paths";

test("actionlint finds nothing in .github/workflows", () => {
  const r = spawnSync(join(REPO_ROOT, "scripts", "actionlint.sh"), ["--cached"], { cwd: REPO_ROOT, encoding: "utf8" });
  // stderr counts only on failure, where it says why (e.g. "not built: run scripts/actionlint.sh --build").
  expect([r.status, r.stdout, r.status === 0 ? "" : r.stderr]).toEqual([0, "", ""]);
});
