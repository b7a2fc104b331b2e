/**
 * The trigger table is the one place a trigger is described: every row must be a trigger the
 * pinned provider binds, built for a version Auth0 serves, with a types module that exports the
 * official names.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { emptyTriggerOutcome } from "../../src/actions-runtime/run-trigger";
import { OTHER_AUTH0_TRIGGERS, TRIGGERS, TRIGGER_IDS, triggerSpec } from "../../src/triggers";

const REPO = join(__dirname, "..", "..");
const schema = JSON.parse(readFileSync(join(REPO, "provider-schema", "auth0@1.54.1.json"), "utf8"));
const resources = (Object.values(schema.provider_schemas)[0] as { resource_schemas: Record<string, any> }).resource_schemas;

/** The provider lists the triggers it validates in the `trigger` attribute's description, in backquotes. */
function providerTriggers(resource: string): string[] {
  const description: string = resources[resource].block.attributes.trigger.description;
  return [...description.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]);
}

describe("trigger table", () => {
  it.each(["auth0_trigger_action", "auth0_trigger_actions"])("lists only triggers %s accepts", (resource) => {
    const accepted = providerTriggers(resource);
    expect(accepted).toContain("post-login");
    for (const id of TRIGGER_IDS) expect(accepted).toContain(id);
  });

  it("covers at least the triggers that replace Rules and Hooks", () => {
    expect([...TRIGGER_IDS].sort()).toEqual(
      expect.arrayContaining([
        "credentials-exchange",
        "post-change-password",
        "post-login",
        "post-user-registration",
        "pre-user-registration",
        "send-phone-message",
      ]),
    );
  });

  it.each(TRIGGERS.map((t) => [t.id, t] as const))("%s has a types module with the official names", (_id, t) => {
    const file = join(REPO, `${t.typesModule}.d.ts`);
    expect(existsSync(file)).toBe(true);
    const text = readFileSync(file, "utf8");
    expect(text).toMatch(/export interface Event\b/);
    expect(text).toMatch(new RegExp(`export interface ${t.apiType}\\b`));
    expect(t.entryPoint).toMatch(/^onExecute[A-Z]\w+$/);
    expect(t.handlerDir).toBe(`actions/${t.id}`);
    expect(t.version).toMatch(/^v\d+$/);
  });

  it.each(TRIGGERS.map((t) => [t.id, t] as const))("%s is built for a version Auth0 accepts", (_id, t) => {
    expect(t.auth0Versions).toContain(t.version);
    expect(OTHER_AUTH0_TRIGGERS).not.toHaveProperty(t.id);
  });

  it.each(TRIGGERS.filter((t) => t.recordingApi !== null).map((t) => [t.id, t] as const))(
    "%s records exactly the api methods the sandbox offers",
    (_id, t) => {
      const api = t.recordingApi(emptyTriggerOutcome(t.id), { get: () => undefined, set: () => ({}), delete: () => ({}) } as never);
      expect(methodPaths(api).sort()).toEqual([...t.apiMethods].sort());
    },
  );

  it("sits below everything that reads it: it imports only the Action types", () => {
    const source = readFileSync(join(REPO, "src", "triggers.ts"), "utf8");
    const imports = [...source.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    for (const path of imports) expect(path).toMatch(/^\.\.\/actions\/types\//);
  });

  it("names the allowed triggers when asked for an unknown one", () => {
    expect(() => triggerSpec("post-logon")).toThrow(
      /unknown Action trigger "post-logon"; must be one of: post-login, credentials-exchange/,
    );
  });
});

/** "a.b" for every function reachable from `api`. */
function methodPaths(api: object, prefix = ""): string[] {
  return Object.entries(api).flatMap(([key, value]) =>
    typeof value === "function" ? [`${prefix}${key}`] : value && typeof value === "object" ? methodPaths(value, `${prefix}${key}.`) : [],
  );
}
