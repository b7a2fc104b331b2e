/**
 * Renovate keeps every pin current only if its managers find the pins. The regex managers are
 * run here against the real files, as Renovate runs them (JavaScript regexes, named groups), so
 * moving a pin to another file or format fails this test instead of silently freezing the pin.
 * The config's schema is checked by renovate-config-validator in .github/workflows/renovate-config.yml.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../src/paths";

interface RegexManager {
  customType: "regex";
  fileMatch: string[];
  matchStrings: string[];
  depNameTemplate: string;
  datasourceTemplate: string;
}
const config = JSON.parse(readFileSync(join(REPO_ROOT, "renovate.json"), "utf8")) as {
  customManagers: RegexManager[];
  packageRules: {
    matchDepNames?: string[];
    matchFileNames?: string[];
    matchPackageNames?: string[];
    groupName?: string;
    allowedVersions?: string;
    postUpgradeTasks?: { commands: string[]; fileFilters: string[] };
  }[];
  ignorePaths?: string[];
};
const manager = (depName: string) => config.customManagers.find((m) => m.depNameTemplate === depName)!;

/** Every file of the repository (tracked folders only) a manager's fileMatch selects, with the versions it extracts. */
function extract(m: RegexManager, files: string[]): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const file of files.filter((f) => m.fileMatch.some((p) => new RegExp(p).test(f)))) {
    const text = readFileSync(join(REPO_ROOT, file), "utf8");
    found[file] = m.matchStrings.flatMap((s) => [...text.matchAll(new RegExp(s, "g"))].map((match) => match.groups!.currentValue));
  }
  return found;
}
const files = ["cdktf.json", "package.json", ...readdirSync(join(REPO_ROOT, ".github", "workflows")).map((f) => `.github/workflows/${f}`)];

test("the auth0/auth0 pin in cdktf.json is found, and only there", () => {
  const pin = (JSON.parse(readFileSync(join(REPO_ROOT, "cdktf.json"), "utf8")) as { terraformProviders: string[] }).terraformProviders
    .find((p) => p.startsWith("auth0/auth0@"))!
    .split("@")[1];
  expect(manager("auth0/auth0")).toMatchObject({ datasourceTemplate: "terraform-provider" });
  expect(extract(manager("auth0/auth0"), files)).toEqual({ "cdktf.json": [pin] });
});

test("a provider bump regenerates the committed schema", () => {
  const rule = config.packageRules.find((r) => r.matchDepNames?.includes("auth0/auth0"));
  expect(rule?.postUpgradeTasks?.commands).toContain("npm run provider:schema");
  expect(rule?.postUpgradeTasks?.fileFilters).toEqual(["provider-schema/**"]);
});

test("every Terraform version in the workflows is found, and they agree", () => {
  const found = extract(manager("hashicorp/terraform"), files);
  const withTerraform = files.filter(
    (f) => f.startsWith(".github/") && readFileSync(join(REPO_ROOT, f), "utf8").includes("hashicorp/setup-terraform"),
  );
  expect(withTerraform.length).toBeGreaterThan(0);
  for (const file of withTerraform) expect([file, found[file]?.length ?? 0]).toEqual([file, 1]);
  expect(new Set(Object.values(found).flat()).size).toBe(1);
});

test("compat/cdktn's pins are watched too: one group, constructs held in cdktn's peer range", () => {
  // Renovate's npm manager finds every package.json outside ignorePaths; none may cover compat/.
  expect((config.ignorePaths ?? []).filter((p) => p.includes("compat"))).toEqual([]);
  const compat = JSON.parse(readFileSync(join(REPO_ROOT, "compat", "cdktn", "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  const rules = config.packageRules.filter((r) => r.matchFileNames?.includes("compat/cdktn/package.json"));
  const group = rules.find((r) => r.groupName === "cdktn")!;
  const covered = (name: string) =>
    group.matchPackageNames!.some((p) => p === name || (p.endsWith("/**") && name.startsWith(p.slice(0, -2))));
  expect(Object.keys(compat.dependencies).filter((name) => !covered(name))).toEqual([]);
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, "compat", "cdktn", "package-lock.json"), "utf8")) as {
    packages: Record<string, { peerDependencies?: Record<string, string> }>;
  };
  const peer = lock.packages["node_modules/cdktn"].peerDependencies!.constructs;
  expect(rules.find((r) => r.matchPackageNames?.includes("constructs") && r.allowedVersions)?.allowedVersions).toBe(
    `<${/<(\d+\.\d+\.\d+)/.exec(peer)![1]}`,
  );
});
