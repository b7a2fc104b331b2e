/**
 * A hand-made Action with a declared name (the team's forum Action, made and bound in the Dashboard
 * before this repository deployed anything), with the real Terraform and provider against the local
 * tenant: deploy (append mode) creates its own Action beside it and leaves the hand-made one and its
 * binding alone; verify and drift name it with the adopt/delete commands; `--delete-unmanaged`
 * unbinds and deletes it after printing what it removes.
 */
jest.mock("../../src/bundle/bundle-action", () => jest.requireActual("../support/deploy").bundleModuleWithVariant());

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deployTenant } from "../../src/deploy/run-deploy";
import { driftTenants } from "../../src/drift/run-drift";
import { requestJson } from "../../src/local-run/client";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant/server";
import { REPO_ROOT } from "../../src/paths";
import { verifyTenants } from "../../src/verify/run-verify";
import { makeWorkspace, tenantEnv, writeTenantFile, type Workspace } from "../support/deploy";
import { tempDir } from "../support/temp-dir";

const API = { retries: 8, minBackoffMs: 50 };
const CLAIMS_ACTION = "Add metadata to user profile";
const FORUM_CODE = readFileSync(join(REPO_ROOT, "fixtures/adopt/team-tenant/forum-action-fixed.js"), "utf8");
let tenant: LocalTenant;
let ws: Workspace;
let pluginCache: string;
let handMadeId: string;

async function management<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await requestJson<T>(`${tenant.url}/api/v2${path}`, {
    method,
    ...(body === undefined ? {} : { body }),
    token: tenant.token,
    ca: tenant.caPem,
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

beforeAll(async () => {
  tenant = await startLocalTenant({ stateDir: tempDir("unmanaged-tenant"), port: 0 });
  ws = makeWorkspace("unmanaged");
  pluginCache = tempDir("unmanaged-plugin-cache");
  writeTenantFile(ws, "dev", tenant.domain, ["backend:", "  type: local", "  path: state/dev.tfstate"]);
  // Made by hand through the Management API: same name as the declared claims Action, deployed and bound.
  const made = await management<{ id: string }>("POST", "/actions/actions", {
    name: CLAIMS_ACTION,
    supported_triggers: [{ id: "post-login", version: "v3" }],
    code: FORUM_CODE,
    runtime: "node22",
  });
  handMadeId = made.id;
  await management("POST", `/actions/actions/${handMadeId}/deploy`);
  await management("PATCH", "/actions/triggers/post-login/bindings", {
    bindings: [{ ref: { type: "action_id", value: handMadeId }, display_name: "forum claims" }],
  });
});

afterAll(async () => {
  await tenant?.close();
});

const opts = () => ({ tenantsDir: ws.tenantsDir, outdir: ws.outdir, env: tenantEnv(tenant, pluginCache), api: API });
const boundIds = () => tenant.model.getBindings("post-login").map((b) => b.action_id);
const exists = (id: string) => tenant.model.listActions().some((a) => a.id === id);

test("deploy leaves the hand-made same-named Action and its binding alone, and exits 0 reporting it", async () => {
  const before = await verifyTenants({ ...opts(), selection: ["dev"] });
  expect(before.exitCode).toBe(2);
  expect(before.tenants[0].result!.findings.map((f) => f.kind).sort()).toEqual(["missing", "unmanaged"]);

  const logs: string[] = [];
  const deployed = await deployTenant({ ...opts(), tenant: "dev", log: (l) => logs.push(l) });
  expect(deployed.error).toBeUndefined();
  expect(deployed.exitCode).toBe(0);
  expect(deployed.repairs).toEqual([]);
  expect(exists(handMadeId)).toBe(true);
  const ours = deployed.result!.actions[0].actionId!;
  expect(ours).not.toBe(handMadeId);
  // append mode: the hand-made binding stays first, this repository's Action is bound after it.
  expect(boundIds()).toEqual([handMadeId, ours]);
  expect(deployed.markdown).toContain("1 unmanaged Action shares a declared name");
  expect(deployed.markdown).toContain(`npm run adopt -- dev`);
  expect(logs.join("\n")).toContain("leaving 1 unmanaged Action(s) alone");
  expect(readFileSync(join(ws.outdir, "deploy", "dev.md"), "utf8")).toContain(handMadeId);
});

test("verify and drift report it as unmanaged with the commands that adopt or delete it", async () => {
  const verify = await verifyTenants({ ...opts(), selection: ["dev"] });
  expect(verify.exitCode).toBe(2);
  const findings = verify.tenants[0].result!.findings;
  expect(findings).toEqual([
    expect.objectContaining({
      kind: "unmanaged",
      actionId: handMadeId,
      fix: "adopt it: npm run adopt -- dev, or delete it: npm run deploy -- dev --delete-unmanaged",
      unmanaged: { id: handMadeId, name: CLAIMS_ACTION, boundTo: ["post-login #1"], deployed: true },
    }),
  ]);
  expect(verify.tenants[0].markdown).toContain("npm run deploy -- dev --delete-unmanaged");

  const drift = await driftTenants({ ...opts(), selection: ["dev"] });
  expect(drift.exitCode).toBe(2);
  expect(drift.tenants[0].deployment?.map((f) => f.kind)).toEqual(["unmanaged"]);
  expect(drift.tenants[0].markdown).toContain("### Unmanaged Actions sharing a declared name");
  expect(drift.tenants[0].markdown).toContain("npm run adopt -- dev");
  expect(exists(handMadeId)).toBe(true);
});

test("--delete-unmanaged prints what it removes, unbinds it, deletes it, and keeps this repository's binding", async () => {
  const ours = tenant.model.getBindings("post-login")[1].action_id;
  const logs: string[] = [];
  const deployed = await deployTenant({ ...opts(), tenant: "dev", deleteUnmanaged: true, log: (l) => logs.push(l) });
  expect(deployed.error).toBeUndefined();
  expect(deployed.exitCode).toBe(0);
  const summary = logs.findIndex((l) => l.includes("--delete-unmanaged: 1 Action(s) to unbind and delete"));
  expect(summary).toBeGreaterThanOrEqual(0);
  expect(logs[summary + 1]).toBe(`dev:   - "${CLAIMS_ACTION}" ${handMadeId}: bound to post-login #1, deployed`);
  // The summary comes before any change.
  expect(logs.findIndex((l) => l.includes(`unbinding unmanaged Action ${handMadeId}`))).toBeGreaterThan(summary);
  expect(deployed.repairs).toEqual([expect.stringContaining(`deleted unmanaged Action ${handMadeId}`)]);
  expect(exists(handMadeId)).toBe(false);
  expect(boundIds()).toEqual([ours]);
  expect((await verifyTenants({ ...opts(), selection: ["dev"] })).exitCode).toBe(0);
});
