/**
 * The build's dependency check asks the npm registry the project's npm is configured for (CI
 * reaches it). crypto@17.7.1 is the version the provider's own TestAccAction expects to fail a
 * build; crypto@1.0.1 is a published version of the same package.
 */
import { dependencyExists, registryDependencyCheck } from "../../src/local-tenant/dependency-exists";

it("answers from the registry: a published version exists, an unpublished one does not", async () => {
  expect(await dependencyExists("crypto", "17.7.1")).toBe(false);
  expect(await dependencyExists("crypto", "1.0.1")).toBe(true);
}, 120_000);

it("fails a build on the first dependency that does not resolve, naming it as npm does", async () => {
  const asked: string[] = [];
  const check = registryDependencyCheck(async (name, version) => {
    asked.push(`${name}@${version}`);
    return name !== "missing";
  });
  expect(await check([{ name: "present", version: "1.0.0" }])).toBeUndefined();
  expect(
    await check([
      { name: "present", version: "1.0.0" },
      { name: "missing", version: "2.0.0" },
      { name: "later", version: "1.0.0" },
    ]),
  ).toBe("npm error notarget No matching version found for missing@2.0.0.");
  expect(asked).toEqual(["present@1.0.0", "present@1.0.0", "missing@2.0.0"]);
});
