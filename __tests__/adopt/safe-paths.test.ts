/** Names from a tenant become file names under a fixed folder, never paths (src/safe-paths.ts). */
import { HANDLER_NAME } from "../../src/names";
import { MAX_STEM_LENGTH, safeFileStem, tenantPath, UnsafePathError } from "../../src/safe-paths";

describe("tenantPath", () => {
  const inActions = (name: string) => tenantPath("actions/post-login", name, ".js");

  it.each([
    ["Notify SIEM on login", "actions/post-login/notify-siem-on-login.js"],
    ["denyBlockedUsers", "actions/post-login/deny-blocked-users.js"],
    ["Add tenant claim to M2M tokens", "actions/post-login/add-tenant-claim-to-m2m-tokens.js"],
    ["../../etc/passwd", "actions/post-login/etc-passwd.js"],
    ["/etc/passwd", "actions/post-login/etc-passwd.js"],
    ["..\\..\\windows\\system32", "actions/post-login/windows-system32.js"],
    ["C:\\boot.ini", "actions/post-login/c-boot-ini.js"],
    ["a\0b", "actions/post-login/a-b.js"],
    ["name. . .", "actions/post-login/name.js"],
    ["Übersicht für Ärzte", "actions/post-login/ubersicht-fur-arzte.js"],
  ])("%j → %s", (name, path) => {
    expect(inActions(name)).toBe(path);
  });

  it.each(["CON", "nul", "Com1", "LPT9", "aux.", "PRN  "])("never a name Windows reserves: %j", (name) => {
    const path = inActions(name);
    expect(path).toBe(`actions/post-login/${name.trim().replace(/\.$/, "").toLowerCase()}-item.js`);
  });

  it.each(["", "..", ".", "/", "\\", "   ", "日本語", "🙂", "\0"])(
    "a name with nothing usable gets a stable, distinct stem: %j",
    (name) => {
      const path = inActions(name);
      expect(path).toMatch(/^actions\/post-login\/item-[0-9a-f]{8}\.js$/);
      expect(inActions(name)).toBe(path);
    },
  );

  it("distinct unusable names stay distinct", () => {
    expect(inActions("日本語")).not.toBe(inActions("中文"));
  });

  it("caps the length and keeps long names apart with a hash of the whole name", () => {
    const a = `${"x".repeat(300)}a`;
    const b = `${"x".repeat(300)}b`;
    expect(safeFileStem(a).length).toBeLessThanOrEqual(MAX_STEM_LENGTH);
    expect(safeFileStem(a)).not.toBe(safeFileStem(b));
    expect(safeFileStem(a)).toMatch(/^x+-[0-9a-f]{8}$/);
  });

  it("is idempotent on its own output (callers append -2, -rule)", () => {
    for (const name of ["Notify SIEM", `${"y".repeat(200)}`, "CON", "日本語"]) {
      const stem = safeFileStem(name);
      expect(safeFileStem(stem)).toBe(stem);
      expect(safeFileStem(`${stem}-rule-2`)).toBe(`${stem}-rule-2`);
      expect(stem).toMatch(HANDLER_NAME);
    }
  });

  it.each(["../actions", "/etc", "actions/../..", "actions\\post-login", "", "actions//x", "Actions"])(
    "refuses a base folder that is not a plain repository folder: %j",
    (base) => {
      expect(() => tenantPath(base, "x", ".js")).toThrow(UnsafePathError);
    },
  );

  it("refuses an extension that is not one", () => {
    expect(() => tenantPath("rules/dev", "x", "/../../x")).toThrow(UnsafePathError);
  });
});
