/**
 * A corpus of broken tenant directories (__tests__/fixtures/invalid-tenants/<case>/): each is
 * rejected before synth, and the message names the file, the field and what is allowed.
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { loadTenants, TenantConfigError } from "../../src/config/load-tenants";

const CORPUS = join(__dirname, "..", "fixtures", "invalid-tenants");

/** case → [file, field ("" = the whole file), a phrase saying what is allowed or wrong] */
const EXPECTED: Record<string, [string, string, string]> = {
  "domain-with-scheme": ["dev.yaml", "domain", "no scheme"],
  "domain-missing": ["dev.yaml", "domain", "is required"],
  "domain-number": ["dev.yaml", "domain", "must be string, not number"],
  "claims-missing": ["dev.yaml", "claims", "is required"],
  "id-token-not-list": ["dev.yaml", "claims.id_token", "must be array, not string"],
  "restricted-claim-name": ["dev.yaml", "claims.id_token[1]", '"roles" is a claim name Auth0 reserves'],
  "restricted-claim-sip": ["dev.yaml", "claims.id_token[0]", "Auth0 reserves"],
  "restricted-access-token-claim": ["dev.yaml", "claims.access_token[0]", '"permissions" is a claim name Auth0 reserves'],
  "namespace-auth0": ["dev.yaml", "claims.namespace", "auth0.com, webtask.io or webtask.run"],
  "namespace-webtask": ["dev.yaml", "claims.namespace", "auth0.com, webtask.io or webtask.run"],
  "namespace-not-url": ["dev.yaml", "claims.namespace", "an http(s) URL"],
  "duplicate-claim": ["dev.yaml", "claims.id_token[2]", "listed twice"],
  "bad-field-name": ["dev.yaml", "claims.id_token[0]", "app_metadata field name"],
  "unknown-top-level-key": ["dev.yaml", "post_login_flows", "unknown field"],
  "unknown-claims-key": ["dev.yaml", "claims.idtoken", "unknown field"],
  "client-secret-pasted": ["dev.yaml", "client_secret", "tenant files hold no credentials"],
  "api-token-pasted": ["dev.yaml", "provider.api_token", "tenant files hold no credentials"],
  "jwt-pasted-as-value": ["dev.yaml", "promotes_from", "tenant files hold no credentials"],
  "flow-mode-invalid": ["dev.yaml", "post_login_flow", 'must be one of "append", "authoritative"'],
  "backend-type-invalid": ["dev.yaml", "backend.type", 'must be one of "local", "s3", "cloud", "pg"'],
  "backend-absolute-path": ["dev.yaml", "backend.path", "relative path inside the repository"],
  "s3-without-lockfile": ["prod.yaml", "backend.use_lockfile", "must be true"],
  "s3-missing-bucket": ["prod.yaml", "backend.bucket", "is required"],
  "duplicate-tenant-name": ["dev.yml", "", 'duplicate tenant "dev"'],
  "duplicate-domain": ["qa.yaml", "domain", "already the domain of"],
  "promotes-from-unknown": ["staging.yaml", "promotes_from", 'no tenant "qa"'],
  "promotion-cycle": ["dev.yaml", "promotes_from", "cycle"],
  "not-yaml": ["dev.yaml", "", "not valid YAML at line"],
  "duplicate-yaml-key": ["dev.yaml", "", "not valid YAML at line 2"],
  "wrong-extension": ["dev.json", "", "tenant files are YAML"],
  "bad-tenant-file-name": ["Dev_Tenant.yaml", "", "lowercase letters, digits and -"],
  "extra-action-bad-handler": ["dev.yaml", "actions[0].handler", "kebab-case"],
  "extra-action-duplicate-handler": ["dev.yaml", "actions[0].handler", "already bound in this tenant"],
  "extra-action-missing-handler": ["dev.yaml", "actions[0].handler", "does not exist"],
  "extra-action-secret-name": ["dev.yaml", "actions[0].secrets.api-key", "letters, digits and _"],
  "extra-action-dependency-range": ["dev.yaml", "actions[0].dependencies.lodash", "must be a version such as 1.2.3"],
  "empty-file": ["dev.yaml", "domain", "is required"],
  "flows-unknown-trigger": ["dev.yaml", "flows.post-logon", "unknown trigger; must be one of: post-login, credentials-exchange"],
  "flows-next-to-legacy": ["dev.yaml", "post_login_flow", "legacy field next to flows"],
  "flows-without-claims-action": ["dev.yaml", "flows.post-login.actions", "must bind the claims Action (- handler: add-metadata-claims)"],
  "flows-missing-handler": [
    "dev.yaml",
    "flows.pre-user-registration.actions[0].handler",
    "actions/pre-user-registration/deny-disposable-emails-that-does-not-exist.ts does not exist",
  ],
  "flows-duplicate-handler": ["dev.yaml", "flows.credentials-exchange.actions[0].handler", "already bound in this tenant (post-login)"],
  "flows-empty": ["dev.yaml", "flows.post-change-password.actions", "a flow binds at least one Action"],
  "shared-state-local": [
    "qa.yaml",
    "backend.path",
    "the same state as __tests__/fixtures/invalid-tenants/shared-state-local/dev.yaml (state/shared.tfstate)",
  ],
  "shared-state-s3": ["staging.yaml", "backend.key", "the same state as __tests__/fixtures/invalid-tenants/shared-state-s3/prod.yaml"],
  "shared-domain-normalised": [
    "qa.yaml",
    "domain",
    "is already the domain of __tests__/fixtures/invalid-tenants/shared-domain-normalised/dev.yaml (both are coop-dev.eu.auth0.com)",
  ],
  "state-under-tenants": ["dev.yaml", "backend.path", "state must not live under tenants/"],
  "claims-config-too-long": ["dev.yaml", "claims", "Auth0 allows 4096 per secret value"],
  "yaml-alias-bomb": ["dev.yaml", "", "YAML aliases expand too far"],
  "directory-named-yaml": ["qa.yaml", "", "is a directory, not a tenant file"],
  "dangling-symlink": ["dev.yaml", "", 'a symbolic link to "missing-target.yaml", which does not exist'],
};

function problemsFor(dir: string): TenantConfigError {
  try {
    loadTenants(dir);
  } catch (error) {
    if (error instanceof TenantConfigError) return error;
    throw error;
  }
  throw new Error(`${dir} was accepted`);
}

it("covers every case in the corpus, and the corpus has at least 20 cases", () => {
  const cases = readdirSync(CORPUS).sort();
  expect(cases).toEqual(Object.keys(EXPECTED).sort());
  expect(cases.length).toBeGreaterThanOrEqual(20);
});

describe.each(Object.entries(EXPECTED))("%s", (name, [file, field, phrase]) => {
  const dir = join(CORPUS, name);

  it("is rejected with the file, the field and what is allowed", () => {
    const error = problemsFor(dir);
    const fileName = join(dir, file).replace(`${process.cwd()}/`, "");
    const matching = error.problems.filter((p) => p.file === fileName && p.field === field);
    expect(matching.map((p) => p.message).join("\n")).toContain(phrase);
    const prefix = field ? `${fileName}: ${field}: ` : `${fileName}: `;
    expect(error.message).toContain(prefix);
  });
});

it("stops `cdktf synth` (main.ts) before synthesis, with the message and no stack trace", () => {
  let stderr = "";
  let status = 0;
  try {
    execFileSync(process.execPath, [require.resolve("tsx/cli"), "main.ts"], {
      env: { ...process.env, TENANTS_DIR: join(CORPUS, "restricted-claim-name"), CDKTF_OUTDIR: "/nonexistent-never-written" },
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const e = error as { status: number; stderr: Buffer };
    status = e.status;
    stderr = e.stderr.toString();
  }
  expect(status).toBe(1);
  expect(stderr).toContain("invalid-tenants/restricted-claim-name/dev.yaml: claims.id_token[1]:");
  expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack frames
});
