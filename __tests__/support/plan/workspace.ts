/**
 * Test workspaces for the plan tier: a temp directory with tenants/, cdktf.out/ and state/,
 * a minimal environment (so no credentials from the developer's shell leak into a test), and
 * review normalisation for snapshots.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../../src/paths";
import type { ChangedSources } from "../../../src/plan/review-types";
import { tempDir } from "../temp-dir";

export interface Workspace {
  root: string;
  tenantsDir: string;
  outdir: string;
  stateDir: string;
}

const created: string[] = [];

/** Removes every workspace this test file made: call from afterAll. */
export function removeWorkspaces(): void {
  for (const root of created.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** A temp workspace; `tenants` replaces the repository's tenant files when given (name -> YAML). */
export function makeWorkspace(tenants?: Record<string, string>): Workspace {
  const root = tempDir("plan-test");
  created.push(root);
  const ws = { root, tenantsDir: join(root, "tenants"), outdir: join(root, "cdktf.out"), stateDir: join(root, "state") };
  mkdirSync(ws.tenantsDir);
  mkdirSync(ws.stateDir);
  if (tenants) {
    for (const [name, yaml] of Object.entries(tenants)) writeFileSync(join(ws.tenantsDir, `${name}.yaml`), yaml);
  } else {
    for (const f of readdirSync(join(REPO_ROOT, "tenants"))) copyFileSync(join(REPO_ROOT, "tenants", f), join(ws.tenantsDir, f));
  }
  return ws;
}

/** Credentials-shaped values: planning creation, or with -refresh=false, makes no API call. */
export const PLACEHOLDER_CREDENTIALS = { AUTH0_CLIENT_ID: "plan-test-client-id", AUTH0_CLIENT_SECRET: "plan-test-client-secret" };

/** Only what Terraform needs to run, plus `extra`: nothing from the developer's own environment. */
export function testEnv(extra: Record<string, string> = PLACEHOLDER_CREDENTIALS): NodeJS.ProcessEnv {
  const keep = ["PATH", "HOME", "TMPDIR", "LANG", "SSL_CERT_FILE"];
  return { ...Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]])), ...extra };
}

export const NO_SOURCE_CHANGES: ChangedSources = { known: true, base: "origin/main", files: [] };

/**
 * Reviews with the bundle's identity abstracted away: hashes and sizes change with every edit of
 * the handler, which other tests pin; these snapshots pin the review's shape and wording.
 */
export function normalizeReview(markdown: string): string {
  return markdown
    .replace(/\b[0-9a-f]{64}\b/g, "<sha256>")
    .replace(/\b[0-9a-f]{12}\b/g, "<sha256:12>")
    .replace(/\b\d+ lines?, \d+ bytes\b/g, "<n> lines, <n> bytes")
    .replace(/\(\d+ → \d+ lines\)/g, "(<n> → <n> lines)");
}
