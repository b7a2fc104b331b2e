/**
 * How the local tenant runs one execution of a deployed Action version. The tenant's server runs
 * them warm (src/sandbox/warm-pool.ts): one process per deployed version keeps the module scope
 * between executions, as Auth0's Node 22 runtime does, so state an Action keeps at module level
 * carries over from one login to the next here as it does on Auth0. Without a runner (a LoginService
 * or flow built on its own, e.g. in a unit test), each execution gets a fresh process.
 */
import { runInSandbox, type SandboxPool, type SandboxRequest, type SandboxResult } from "../sandbox/sandbox";
import type { WarmActionPool } from "../sandbox/warm-pool";
import type { ActionRecord, VersionRecord } from "./model";

export type DeployedActionRunner = (action: ActionRecord, version: VersionRecord, request: SandboxRequest) => Promise<SandboxResult>;

/** Every execution in a fresh process (started ahead when a pool is given). */
export function freshRunner(pool?: SandboxPool): DeployedActionRunner {
  return (_action, _version, request) => runInSandbox(request, pool);
}

/** Executions of one deployed version share a warm process; `tenant` names the tenant the Actions belong to. */
export function warmRunner(pool: WarmActionPool, tenant: () => string): DeployedActionRunner {
  return (action, version, request) => pool.run({ tenant: tenant(), actionId: action.id, versionId: version.id }, request);
}
