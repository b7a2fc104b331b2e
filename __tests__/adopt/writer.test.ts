/**
 * The writer writes only inside the folders adopt owns (actions/, rules/, hooks/, tenants/, adopt/ of
 * the repository), with or without --force, also through symbolic links; one bad path writes nothing.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UnsafeWriteError, writeFiles } from "../../src/adopt/writer";
import { tempDir } from "../support/local-tenant";

describe("adopt's writer", () => {
  let root: string;
  let outside: string;
  const VICTIM = "keep me\n";

  beforeEach(() => {
    root = tempDir("adopt-writer-repo");
    outside = tempDir("adopt-writer-outside");
    writeFileSync(join(outside, "victim.js"), VICTIM);
    writeFileSync(join(root, "package.json"), "{}\n");
  });

  it("writes below the allowed folders", () => {
    const outcome = writeFiles(root, { "actions/post-login/a.js": "a\n", "adopt/dev/SUMMARY.md": "# s\n" });
    expect(outcome.created).toEqual(["actions/post-login/a.js", "adopt/dev/SUMMARY.md"]);
    expect(readFileSync(join(root, "actions/post-login/a.js"), "utf8")).toBe("a\n");
  });

  it.each([
    "../victim.js",
    "actions/../../victim.js",
    "actions/post-login/../../package.json",
    "package.json",
    "src/x.ts",
    "/etc/passwd",
    "actions",
    "actions\\..\\..\\x.js",
    "actions/a\0.js",
    "./actions/a.js",
  ])("refuses %j, also with force, and writes nothing else of the set", (path) => {
    for (const force of [false, true]) {
      expect(() => writeFiles(root, { "actions/post-login/ok.js": "ok\n", [path]: "pwned\n" }, { force })).toThrow(UnsafeWriteError);
      expect(existsSync(join(root, "actions/post-login/ok.js"))).toBe(false);
    }
    expect(readFileSync(join(root, "package.json"), "utf8")).toBe("{}\n");
  });

  it("refuses to write through a folder that is a link leading outside, also with force", () => {
    mkdirSync(join(root, "actions"));
    symlinkSync(outside, join(root, "actions/post-login"));
    for (const force of [false, true])
      expect(() => writeFiles(root, { "actions/post-login/victim.js": "pwned\n" }, { force })).toThrow(/a link leading outside/);
    expect(readFileSync(join(outside, "victim.js"), "utf8")).toBe(VICTIM);
  });

  it("refuses a top folder that is a link leading outside", () => {
    symlinkSync(outside, join(root, "rules"));
    expect(() => writeFiles(root, { "rules/victim.js": "pwned\n" }, { force: true })).toThrow(UnsafeWriteError);
    expect(readFileSync(join(outside, "victim.js"), "utf8")).toBe(VICTIM);
  });

  it("refuses to overwrite a file that is a link, also with force", () => {
    mkdirSync(join(root, "hooks/dev"), { recursive: true });
    symlinkSync(join(outside, "victim.js"), join(root, "hooks/dev/h.js"));
    expect(() => writeFiles(root, { "hooks/dev/h.js": "pwned\n" }, { force: true })).toThrow(/the file is a symbolic link/);
    expect(readFileSync(join(outside, "victim.js"), "utf8")).toBe(VICTIM);
  });

  it("accepts a repository that is itself reached through a link", () => {
    const link = join(tempDir("adopt-writer-link"), "repo");
    symlinkSync(root, link);
    expect(writeFiles(link, { "tenants/dev.yaml": "x: 1\n" }).created).toEqual(["tenants/dev.yaml"]);
    expect(readFileSync(join(root, "tenants/dev.yaml"), "utf8")).toBe("x: 1\n");
  });
});
