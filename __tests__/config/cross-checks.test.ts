/**
 * Checks across fields and files (src/config/cross-checks.ts) on tenants that pass their schema:
 * what Auth0 would reject at apply (or what would leak into the plan) is stopped before synth,
 * naming the file and the field. The handler-existence check is bypassed (tenantSchema.parse), so
 * extra Actions need no handler file.
 */
import { parse } from "yaml";
import { crossFileProblems, normaliseDomain, normaliseLocalPath } from "../../src/config/cross-checks";
import type { Tenant } from "../../src/config/load-tenants";
import { tenantSchema } from "../../src/config/tenant-schema";

function tenant(name: string, yaml: string): Tenant {
  const claims = yaml.includes("claims:") ? "" : 'claims: { namespace: "", id_token: [usertype] }\n';
  return { ...tenantSchema.parse(parse(`${claims}${yaml}`)), name, file: `tenants/${name}.yaml` };
}

const problems = (...tenants: Tenant[]) => crossFileProblems(tenants).map((p) => `${p.file}: ${p.field}: ${p.message}`);

test("dependency names that are paths or URLs, and versions that are not exact, are rejected; real ones pass", () => {
  const t = tenant(
    "dev",
    [
      "domain: dev.example.com",
      "flows:",
      "  post-login:",
      "    actions: [{ handler: add-metadata-claims }]",
      "  credentials-exchange:",
      "    actions:",
      "      - handler: extra",
      "        dependencies:",
      '          "../../evil": 1.0.0',
      '          "git+https://x-token:ghp_secret@github.com/org/repo.git": 1.0.0',
      '          "lodash": 4.17.21',
      '          "@auth0/auth0-spa-js": 2.1.3',
    ].join("\n"),
  );
  const found = problems(t);
  expect(found).toEqual([
    expect.stringMatching(
      /^tenants\/dev\.yaml: flows\.credentials-exchange\.actions\[0\]\.dependencies\."\.\.\/\.\.\/evil": not an npm package name/,
    ),
    expect.stringMatching(
      /^tenants\/dev\.yaml: flows\.credentials-exchange\.actions\[0\]\.dependencies\."git\+https:\/\/x-token:ghp_secret@github\.com\/org\/repo\.git": not an npm package name/,
    ),
  ]);
  expect(
    problems(tenant("dev", "domain: dev.example.com\nactions:\n  - handler: extra\n    dependencies: { lodash: 4.17.21-rc.1 }")),
  ).toEqual([]);
});

test("two Actions with one name in a tenant are rejected (promotion and outputs would collapse them); a legacy file is checked as its flows", () => {
  const t = tenant(
    "dev",
    "domain: dev.example.com\nactions:\n  - { handler: deny-weekends, name: Add metadata to user profile }\n  - { handler: b, name: Same }\n  - { handler: c, name: Same }",
  );
  expect(problems(t)).toEqual([
    'tenants/dev.yaml: flows.post-login.actions[1].name: "Add metadata to user profile" is already the name of flows.post-login.actions[0] (handler add-metadata-claims): Auth0 Action names are unique per tenant; set a distinct name',
    'tenants/dev.yaml: flows.post-login.actions[3].name: "Same" is already the name of flows.post-login.actions[2] (handler b): Auth0 Action names are unique per tenant; set a distinct name',
  ]);
});

test("the CLAIMS_CONFIG secret the claims section becomes must fit Auth0's 4096 characters", () => {
  const fits = tenant(
    "dev",
    `domain: dev.example.com\nclaims: { namespace: "https://c.example.com/${"a".repeat(3900)}", id_token: [usertype] }`,
  );
  expect(problems(fits)).toEqual([]);
  const tooLong = tenant(
    "dev",
    `domain: dev.example.com\nclaims: { namespace: "https://c.example.com/${"a".repeat(4100)}", id_token: [usertype] }`,
  );
  expect(problems(tooLong)).toEqual([
    expect.stringMatching(
      /^tenants\/dev\.yaml: claims: the CLAIMS_CONFIG secret built from this section is 41\d\d characters; Auth0 allows 4096/,
    ),
  ]);
});

test("more Actions on one trigger than Auth0 runs are rejected", () => {
  const extra = Array.from({ length: 19 }, (_, i) => `  - { handler: h${i} }`).join("\n");
  const full = tenant("dev", `domain: dev.example.com\nactions:\n${extra}`);
  expect(problems(full)).toEqual([]);
  // One more than any schema allows today: the check holds whatever shape declares the Actions.
  const postLogin = full.flows["post-login"]!;
  const over = {
    ...full,
    flows: {
      ...full.flows,
      "post-login": { ...postLogin, actions: [...postLogin.actions, { ...postLogin.actions[1], handler: "h19", name: "h19" }] },
    },
  };
  expect(problems(over)).toEqual([
    "tenants/dev.yaml: flows.post-login.actions: 21 Actions bound to post-login; Auth0 allows 20 per trigger",
  ]);
});

test("one state per tenant, whatever the spelling; distinct states pass", () => {
  const local = (name: string, path: string) => tenant(name, `domain: ${name}.example.com\nbackend: { type: local, path: "${path}" }`);
  expect(problems(local("a", "state/x.tfstate"), local("b", "./state//x.tfstate"))).toEqual([
    "tenants/b.yaml: backend.path: the same state as tenants/a.yaml (state/x.tfstate): each deploy would orphan the other tenant's Actions; give each tenant its own state",
  ]);
  expect(problems(local("a", "state/a.tfstate"), local("b", "state/b.tfstate"))).toEqual([]);
  // No path: state/<tenant>.tfstate, the same as spelling it out.
  const implicit = tenant("a", "domain: a.example.com\nbackend: { type: local }");
  expect(problems(implicit, local("b", "state/a.tfstate"))).toHaveLength(1);
  const cloud = (name: string, ws: string) =>
    tenant(name, `domain: ${name}.example.com\nbackend: { type: cloud, organization: coop, workspace: ${ws} }`);
  expect(problems(cloud("a", "auth0"), cloud("b", "auth0"))).toEqual([
    expect.stringContaining("tenants/b.yaml: backend.workspace: the same state as tenants/a.yaml"),
  ]);
  const s3 = (name: string, region: string) =>
    tenant(name, `domain: ${name}.example.com\nbackend: { type: s3, bucket: bkt, key: k.tfstate, region: ${region} }`);
  expect(problems(s3("a", "eu-west-1"), s3("b", "eu-west-2"))).toEqual([]);
});

test("normalisation of domains and local paths", () => {
  expect(normaliseDomain("Coop.EU.auth0.com.:443")).toBe("coop.eu.auth0.com");
  expect(normaliseDomain("localhost:8443")).toBe("localhost:8443");
  expect(normaliseLocalPath("./state/../state/dev.tfstate")).toBe("state/dev.tfstate");
});
