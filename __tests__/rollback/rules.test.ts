/** The pure rules of `npm run rollback`: its command line, and which earlier version a roll-back may return to. */
import { redeployOf } from "../../src/management-api/action-versions";
import type { ActionVersion } from "../../src/management-api/actions";
import {
  checkNumberNamesOneAction,
  checkSecrets,
  newestWithContent,
  parseRollbackArgs,
  parseTarget,
  RollbackRefusal,
  sameContent,
  versionByNumber,
  type DeclaredContent,
} from "../../src/rollback/rules";

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RollbackRefusal);
    return (error as Error).message;
  }
  throw new Error("expected a refusal");
};

describe("command line", () => {
  it("reads a tenant, --to and the optional flags", () => {
    expect(parseRollbackArgs(["dev", "--to", "3", "--action", "add-metadata-claims"])).toEqual({
      tenant: "dev",
      to: { version: 3, text: "3" },
      action: "add-metadata-claims",
    });
    expect(parseRollbackArgs(["prod", "--to", "v1.4.0", "--local-state", "st"])).toEqual({
      tenant: "prod",
      to: { ref: "v1.4.0", text: "v1.4.0" },
      localStateDir: "st",
    });
  });

  it("a whole number from 1 is a version; anything else a git ref", () => {
    expect(parseTarget("12")).toEqual({ version: 12, text: "12" });
    expect(parseTarget("a1b2c3d")).toEqual({ ref: "a1b2c3d", text: "a1b2c3d" });
    expect(parseTarget("main~1")).toEqual({ ref: "main~1", text: "main~1" });
  });

  it("names what is missing or wrong, with the usage", () => {
    expect(parseRollbackArgs(["dev"])).toEqual({
      error: expect.stringMatching(/^--to is required: a deployed version number .*\nusage: npm run rollback/),
    });
    expect(parseRollbackArgs(["--to", "3"])).toEqual({ error: expect.stringMatching(/^one tenant name is required, got none\n/) });
    expect(parseRollbackArgs(["dev", "prod", "--to", "3"])).toEqual({
      error: expect.stringMatching(/^one tenant name is required, got dev, prod\n/),
    });
    expect(parseRollbackArgs(["dev", "--to", "0"])).toEqual({
      error: expect.stringMatching(/^--to 0: a version number is a whole number from 1/),
    });
    expect(parseRollbackArgs(["dev", "--to", "2.5"])).toEqual({
      error: expect.stringMatching(/^--to 2.5: a version number is a whole number from 1/),
    });
    expect(parseRollbackArgs(["dev", "--to", "3", "--force"])).toEqual({ error: expect.stringContaining("--force") });
  });
});

const versions = (numbers: number[]): ActionVersion[] => numbers.map((n) => ({ id: `v${n}`, number: n, code: `code ${n}` }));

describe("version by number", () => {
  it("finds a kept version", () => {
    expect(versionByNumber(versions([3, 2, 1]), 2, "Claims", "dev").id).toBe("v2");
  });

  it("refuses a version newer than any, naming the versions there are", () => {
    expect(refusal(() => versionByNumber(versions([2, 1]), 9, "Claims", "dev"))).toBe(
      '--to 9: "Claims" has no version 9 on dev; its versions are v1–v2',
    );
  });

  it("refuses a version gone with the 50-version cap, naming the range kept", () => {
    const kept = versions(Array.from({ length: 50 }, (_, i) => 53 - i));
    expect(refusal(() => versionByNumber(kept, 1, "Claims", "prod"))).toBe(
      `--to 1: v1 of "Claims" is no longer in prod's version history (Auth0 keeps the latest 50 versions of an Action); roll back to one of v4–v53, or revert the code and deploy it through review`,
    );
  });

  it("refuses when the Action has no deployed version at all", () => {
    expect(refusal(() => versionByNumber([], 1, "Claims", "dev"))).toBe('--to 1: "Claims" has no deployed version on dev');
  });

  it("needs --action when the tenant declares several Actions", () => {
    const two = [
      { address: "auth0_action.add_metadata_claims", name: "a", trigger: "post-login", sha256: "x" },
      { address: "auth0_action.greet_with_module", name: "b", trigger: "post-login", sha256: "y" },
    ];
    expect(refusal(() => checkNumberNamesOneAction({ version: 2, text: "2" }, two, "dev"))).toBe(
      "--to 2: each Action numbers its own versions and dev declares 2 (add-metadata-claims, greet-with-module); add --action <handler>, or roll every Action back with --to <git ref>",
    );
    expect(() => checkNumberNamesOneAction({ ref: "v1", text: "v1" }, two, "dev")).not.toThrow();
    expect(() => checkNumberNamesOneAction({ version: 2, text: "2" }, two.slice(0, 1), "dev")).not.toThrow();
  });
});

describe("secrets", () => {
  it("refuses a version deployed with a secret the Action no longer has, naming both lists", () => {
    const version = { id: "v2", number: 2, secrets: [{ name: "API_KEY" }, { name: "OLD_TOKEN" }] };
    expect(refusal(() => checkSecrets({ secrets: [{ name: "API_KEY" }] }, version, "Claims", "dev"))).toBe(
      'v2 of "Claims" on dev was deployed with secret OLD_TOKEN, which the Action no longer has (it has: API_KEY); it would run without it. Roll back to a version that needs only those secrets, or set the secret again and deploy',
    );
  });

  it("accepts a version whose secrets all still exist", () => {
    expect(() =>
      checkSecrets({ secrets: [{ name: "A" }, { name: "B" }] }, { id: "v1", number: 1, secrets: [{ name: "A" }] }, "C", "dev"),
    ).not.toThrow();
  });
});

describe("content", () => {
  const good: DeclaredContent = { sha256: "aaa", modules: { greeting: "m1" } };
  it("is the same only with the same code and the same module code", () => {
    expect(sameContent(good, { sha256: "aaa", modules: { greeting: "m1" } })).toBe(true);
    expect(sameContent(good, { sha256: "aaa", modules: { greeting: "m2" } })).toBe(false);
    expect(sameContent(good, { sha256: "aaa", modules: {} })).toBe(false);
    expect(sameContent(good, { sha256: "bbb", modules: { greeting: "m1" } })).toBe(false);
  });

  it("the newest version with the wanted content is the one that ran last", () => {
    const contents: Record<string, DeclaredContent> = {
      v1: good,
      v2: { sha256: "aaa", modules: { greeting: "m2" } },
      v3: good,
    };
    expect(newestWithContent(versions([1, 2, 3]), (v) => contents[v.id], good)?.id).toBe("v3");
    expect(newestWithContent(versions([1, 2, 3]), (v) => contents[v.id], { sha256: "zzz", modules: {} })).toBeUndefined();
  });
});

describe("a tenant tells its own roll-back", () => {
  const pin = (id: string) => [{ module_id: "mod", module_version_id: id }];
  it("a deployed version returning to an earlier content, module pins included, is a roll-back", () => {
    const history: ActionVersion[] = [
      { id: "a", number: 1, code: "same", modules: pin("m1") },
      { id: "b", number: 2, code: "same", modules: pin("m2") },
      { id: "c", number: 3, code: "same", modules: pin("m1"), created_at: "2026-12-05T10:14:00Z" },
    ];
    expect(redeployOf(history, history[2])).toEqual({ version: 1, deployedVersion: 3, at: "2026-12-05T10:14:00Z" });
  });

  it("a version that only repeats the one before it is not", () => {
    const history: ActionVersion[] = [
      { id: "a", number: 1, code: "one" },
      { id: "b", number: 2, code: "one" },
    ];
    expect(redeployOf(history, history[1])).toBeUndefined();
  });
});
