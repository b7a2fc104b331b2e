/**
 * Tenant-file input that must be refused, generated rather than listed: control and bidi characters
 * anywhere in a name, credentials anywhere in a string, prototype-named keys in every map, and
 * reserved claim namespaces spelled the ways DNS treats as the same host. Each refusal names the
 * file and the field; nothing is loaded.
 */
import fc from "fast-check";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadTenants, TenantConfigError } from "../../src/config/load-tenants";
import { tempDir } from "../support/temp-dir";

type Json = Record<string, any>;

function validTenant(): Json {
  return {
    domain: "coop-dev.eu.auth0.com",
    claims: { namespace: "https://claims.coop.example", id_token: ["usertype"], access_token: [] },
    flows: {
      "post-login": {
        mode: "append",
        actions: [{ handler: "add-metadata-claims", name: "Add metadata to user profile", display_name: "Claims" }],
      },
    },
    backend: { type: "local", path: "state/dev.tfstate" },
  };
}

/** Loads one tenant file holding `tenant`; returns the error text, or "" when it loaded. */
function refusal(tenant: Json): string {
  const dir = tempDir("hostile-input");
  try {
    writeFileSync(join(dir, "dev.yaml"), stringify(tenant));
    loadTenants(dir);
    return "";
  } catch (error) {
    if (error instanceof TenantConfigError) return error.message;
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An own, enumerable key, even "__proto__" (what a YAML parser produces for it). */
function ownKey(target: Json, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const CONTROL = fc.oneof(
  fc.integer({ min: 0x00, max: 0x1f }),
  fc.integer({ min: 0x7f, max: 0x9f }),
  fc.constantFrom(0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200b, 0xfeff),
);
const printable = fc.string({ minLength: 0, maxLength: 20 }).map((s) => s.replace(/[^\x20-\x7e]/g, "a"));

/** Where a free-text name sits in a tenant file, and how the error names it. */
const NAME_FIELDS: Array<{ set: (t: Json, v: string) => void; field: string }> = [
  { set: (t, v) => (t.flows["post-login"].actions[0].name = v), field: "flows.post-login.actions[0].name" },
  { set: (t, v) => (t.flows["post-login"].actions[0].display_name = v), field: "flows.post-login.actions[0].display_name" },
  { set: (t, v) => (t.flows["post-login"].actions[0].import_id = v), field: "flows.post-login.actions[0].import_id" },
  { set: (t, v) => (t.domain = v), field: "domain" },
  { set: (t, v) => (t.claims.namespace = v), field: "claims.namespace" },
  { set: (t, v) => (t.backend = { type: "cloud", organization: v, workspace: "dev" }), field: "backend.organization" },
];

describe("tenant files refuse what is not a name", () => {
  it("a control, bidi or invisible character anywhere in any name", () => {
    fc.assert(
      fc.property(fc.constantFrom(...NAME_FIELDS), printable, CONTROL, printable, ({ set, field }, before, code, after) => {
        const tenant = validTenant();
        set(tenant, `${before || "x"}${String.fromCodePoint(code)}${after}`);
        const message = refusal(tenant);
        expect(message).toContain(`dev.yaml: ${field}: contains`);
        expect(message).toMatch(/character U\+[0-9A-F]{4}/);
      }),
      { numRuns: 150 },
    );
  });

  it("a PEM private key or a JWT after other text, in any string", () => {
    const secretText = fc.oneof(
      fc
        .constantFrom("RSA ", "EC ", "", "ENCRYPTED ")
        .map((kind) => `-----BEGIN ${kind}PRIVATE KEY-----\nMIIBVwIBADANBg\n-----END ${kind}PRIVATE KEY-----`),
      fc
        .tuple(fc.base64String({ minLength: 8, maxLength: 30 }), fc.base64String({ minLength: 8, maxLength: 30 }))
        .map(([a, b]) => `eyJhbGciOiJSUzI1NiJ9.eyJ${a.replace(/[+/=]/g, "x")}.${b.replace(/[+/=]/g, "y")}`),
    );
    fc.assert(
      fc.property(fc.constantFrom(...NAME_FIELDS), printable, secretText, ({ set, field }, before, secret) => {
        const tenant = validTenant();
        set(tenant, `${before} ${secret}`);
        expect(refusal(tenant)).toContain(`dev.yaml: ${field}: looks like a credential`);
      }),
      { numRuns: 60 },
    );
  });

  it("keys an object inherits, in every map", () => {
    const maps: Array<{ set: (t: Json, key: string) => void; field: (key: string) => string }> = [
      {
        set: (t, k) => (t.flows["post-login"].actions[0].dependencies = JSON.parse(`{"${k}": "1.0.0"}`)),
        field: (k) => `flows.post-login.actions[0].dependencies.${k}`,
      },
      {
        set: (t, k) => (t.flows["post-login"].actions[0].secrets = JSON.parse(`{"${k}": {"env": "API_KEY"}}`)),
        field: (k) => `flows.post-login.actions[0].secrets.${k}`,
      },
      { set: (t, k) => ownKey(t.flows, k, { actions: [] }), field: (k) => `flows.${k}` },
      { set: (t, k) => ownKey(t.claims, k, 1), field: (k) => `claims.${k}` },
    ];
    fc.assert(
      fc.property(fc.constantFrom(...maps), fc.constantFrom("__proto__", "constructor", "prototype"), (map, key) => {
        const tenant = validTenant();
        map.set(tenant, key);
        expect(refusal(tenant)).toContain(`dev.yaml: ${map.field(key)}: "${key}" is not allowed as a key`);
        expect(({} as Json).polluted).toBeUndefined();
      }),
    );
  });

  it("a claims namespace under Auth0's domains, however the host is spelled", () => {
    const FULL_WIDTH_OFFSET = 0xfee0;
    const host = fc
      .tuple(
        fc.constantFrom("auth0.com", "webtask.io", "webtask.run"),
        fc.constantFrom("", "tenant.", "a.b."),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        fc.constantFrom("", ".", ".."),
        fc.boolean(),
      )
      .map(([domain, sub, upper, dots, fullWidth]) => {
        let name = [...`${sub}${domain}`].map((c, i) => (upper[i % upper.length] ? c.toUpperCase() : c)).join("");
        // Full-width letters and digits: WHATWG URL maps them to ASCII (IDNA), as browsers and DNS resolvers do.
        if (fullWidth)
          name = [...name].map((c) => (/[a-z0-9]/i.test(c) ? String.fromCodePoint(c.codePointAt(0)! + FULL_WIDTH_OFFSET) : c)).join("");
        return `${name}${dots}`;
      });
    fc.assert(
      fc.property(host, fc.constantFrom("https", "http"), fc.constantFrom("", "/claims", ":8443/x"), (h, scheme, rest) => {
        const tenant = validTenant();
        tenant.claims.namespace = `${scheme}://${h}${rest}`;
        const message = refusal(tenant);
        expect(message).toContain("dev.yaml: claims.namespace:");
        expect(message).not.toBe("");
      }),
      { numRuns: 150 },
    );
  });

  it("accepts the valid tenant the generators start from (so each refusal above is the generated part's doing)", () => {
    expect(refusal(validTenant())).toBe("");
  });
});
