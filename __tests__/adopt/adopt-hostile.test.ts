/**
 * A tenant's content is data, never a path or Markdown: adopting a local tenant seeded with names
 * that look like paths (../../etc/passwd, /etc/passwd), a Rule name that would inject a heading, a
 * mixed-case secret (mySecret, as Auth0's docs spell them) and an unpinned dependency (latest). With
 * --force too, nothing is written outside actions/, rules/, hooks/, tenants/, adopt/; the written
 * tenant file passes the repository's own loader; a Hook whose triggerId is a path is refused.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse as parseYaml } from "yaml";
import { adopt } from "../../src/adopt/adopt";
import { AdoptRefusedError } from "../../src/adopt/planner";
import { loadTenants } from "../../src/config/load-tenants";
import { REPO_ROOT } from "../../src/paths";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { UserDirectory } from "../../src/local-tenant/users";
import { tempDir } from "../support/local-tenant";

const RULE = "function (user, context, callback) { callback(null, user, context); }";
const INJECTED_RULE = "x\n# Injected";

/** Every file below `dir`, repository-relative, sorted. */
function filesBelow(dir: string, base = dir): string[] {
  return readdirSync(dir)
    .flatMap((entry) =>
      statSync(join(dir, entry)).isDirectory() ? filesBelow(join(dir, entry), base) : [relative(base, join(dir, entry))],
    )
    .sort();
}

describe("adopting a tenant whose names look like paths and Markdown", () => {
  let tenant: LocalTenant;
  let sandbox: string;
  let root: string;
  const victims = ["victim.js", "etc/passwd", "etc/passwd.js"];
  const run = () => adopt({ tenant: "team", root, force: true, connection: { url: tenant.url, token: tenant.token, ca: tenant.caPem } });

  beforeAll(async () => {
    sandbox = tempDir("adopt-hostile");
    // Files a traversal would hit: next to the repository, and under an etc/ beside it.
    mkdirSync(join(sandbox, "etc"));
    for (const victim of victims) writeFileSync(join(sandbox, victim), "untouched\n");
    root = join(sandbox, "repo");
    mkdirSync(join(root, "tenants"), { recursive: true });
    mkdirSync(join(root, "actions/post-login"), { recursive: true });
    // The repository's claims handler, which the tenant file must bind (the loader checks it exists).
    copyFileSync(join(REPO_ROOT, "actions/post-login/add-metadata-claims.ts"), join(root, "actions/post-login/add-metadata-claims.ts"));

    const seed = {
      actions: [
        {
          name: "Add metadata to user profile",
          trigger: "post-login",
          code: readFileSync(join(REPO_ROOT, "fixtures/adopt/team-tenant/forum-action-fixed.js"), "utf8"),
        },
        {
          name: "../../etc/passwd",
          trigger: "post-login",
          code: "exports.onExecutePostLogin = async (event) => { void event.secrets.mySecret; };\n",
          secrets: { mySecret: "not-a-real-value" },
          dependencies: { lodash: "latest" },
        },
        { name: "/etc/passwd", trigger: "post-login", code: "exports.onExecutePostLogin = async () => {};\n" },
      ],
      bindings: { "post-login": ["Add metadata to user profile", "../../etc/passwd", "/etc/passwd"] },
      rules: [
        { name: INJECTED_RULE, script: RULE, order: 1 },
        { name: "../../../victim", script: RULE, order: 2 },
      ],
      hooks: [
        {
          name: "../../etc/passwd",
          triggerId: "credentials-exchange",
          script: readFileSync(join(REPO_ROOT, "fixtures/adopt/team-tenant/m2m-hook.js"), "utf8"),
        },
      ],
    };
    const seedFile = join(sandbox, "seed.json");
    writeFileSync(seedFile, JSON.stringify(seed));
    tenant = await startLocalTenant({
      stateDir: tempDir("adopt-hostile-tenant"),
      port: 0,
      dependencies: "syntax",
      users: UserDirectory.of({}),
      seedFile,
    });
    writeFileSync(
      join(root, "tenants/team.yaml"),
      `domain: ${tenant.domain}\nclaims:\n  namespace: ""\n  id_token: [usertype, coops, coopnames]\nbackend: { type: local, path: state/team.tfstate }\n`,
    );
  });
  afterAll(async () => tenant?.close());

  it("writes only under the folders adopt owns, with file names made from the names, also with --force", async () => {
    const result = await run();
    expect(result.outcome.conflicts).toEqual([]);
    const allowed = /^(actions|rules|hooks|tenants|adopt)\//;
    expect(filesBelow(root).filter((f) => !allowed.test(f))).toEqual([]);
    expect(Object.keys(result.plan.files).sort()).toEqual(
      expect.arrayContaining([
        "actions/post-login/etc-passwd.js",
        "actions/post-login/etc-passwd-2.js",
        "rules/team/x-injected.js",
        "rules/team/victim.js",
        "hooks/team/credentials-exchange/etc-passwd.js",
      ]),
    );
    for (const victim of victims) expect(readFileSync(join(sandbox, victim), "utf8")).toBe("untouched\n");

    // A second forced run over its own output: the same bytes, nothing outside.
    const again = await run();
    expect(again.outcome.created).toEqual([]);
    expect(again.outcome.updated).toEqual([]);
    for (const victim of victims) expect(readFileSync(join(sandbox, victim), "utf8")).toBe("untouched\n");
  });

  it("writes a tenant file the repository's own loader accepts: mySecret and latest as the tenant has them", () => {
    const [loaded] = loadTenants(join(root, "tenants"), join(root, "actions"));
    const entry = loaded.flows["post-login"]!.actions.find((a) => a.name === "../../etc/passwd")!;
    expect(entry.handler).toBe("etc-passwd");
    expect(entry.secrets).toEqual({ mySecret: { env: "ETC_PASSWD_MY_SECRET" } });
    expect(entry.dependencies).toEqual({ lodash: "latest" });
    const summary = readFileSync(join(root, "adopt/team/SUMMARY.md"), "utf8");
    expect(summary).toContain("`TF_VAR_ETC_PASSWD_MY_SECRET`");
    expect(summary).toContain("lodash latest not pinned");
    expect(JSON.stringify(parseYaml(readFileSync(join(root, "tenants/team.yaml"), "utf8")))).not.toContain("not-a-real-value");
  });

  it("keeps a Rule's name from adding a heading to SUMMARY.md", () => {
    const summary = readFileSync(join(root, "adopt/team/SUMMARY.md"), "utf8");
    const headings = summary.split("\n").filter((line) => /^ {0,3}#/.test(line));
    expect(headings).toEqual([
      "# Adoption of team",
      expect.stringMatching(/^## Adopted \(\d+\)$/),
      expect.stringMatching(/^## Converted \(\d+\)$/),
      expect.stringMatching(/^## Needing attention \(\d+\)$/),
      "## Drafts only (0)",
      "## Next steps",
    ]);
    expect(summary).toContain('Rule "x \\# Injected"');
  });

  it("refuses a Hook whose triggerId is a path, naming the Hook and the field, and writes nothing", async () => {
    const before = filesBelow(root).map((f) => [f, readFileSync(join(root, f), "utf8")]);
    // The local tenant validates triggerId as Auth0 does; this is a tenant answering outside that rule.
    tenant.rulesHooks.listHooks()[0].triggerId = "../../../etc";
    await expect(run()).rejects.toThrow(AdoptRefusedError);
    await expect(run()).rejects.toThrow(
      /Hook "\.\.\/\.\.\/etc\/passwd" \(id [^)]+\): triggerId "\.\.\/\.\.\/\.\.\/etc" is not a Hook trigger/,
    );
    expect(filesBelow(root).map((f) => [f, readFileSync(join(root, f), "utf8")])).toEqual(before);
    for (const victim of victims) expect(readFileSync(join(sandbox, victim), "utf8")).toBe("untouched\n");
  });
});
