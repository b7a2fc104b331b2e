/**
 * The promotion rule, as a pure function: `to` may receive an artifact only if its tenant file
 * names `from` as the tenant it is promoted from, and `from` *runs* exactly that code: verify of
 * `from` (deployed versions read from the Management API) found nothing, and every Action the
 * artifact deploys to `to`, keyed by its resource address (not its display name), is deployed in
 * `from` with the same code sha256.
 */
import type { Tenant } from "../config/load-tenants";
import { needsRepair, type VerifyResult } from "../verify/compare";
import { findingTitle } from "../verify/render";

export type GateDecision = { allowed: true } | { allowed: false; reasons: string[] };

export interface GateInput {
  from: Pick<Tenant, "name">;
  to: Pick<Tenant, "name" | "file" | "promotes_from">;
  /** Resource address -> sha256 of the code the artifact deploys to `to`. */
  artifact: Readonly<Record<string, string>>;
  /** Verify of `from` against the same commit. */
  fromVerify: Pick<VerifyResult, "actions" | "findings">;
}

export function orderProblem(from: string, to: Pick<Tenant, "name" | "file" | "promotes_from">): string | undefined {
  if (to.promotes_from === undefined)
    return `${to.file} declares no promotes_from: "${to.name}" is not promoted from another tenant (deploy it directly)`;
  if (to.promotes_from !== from)
    return `${to.file} declares promotes_from: ${to.promotes_from}; "${to.name}" only receives code that runs in "${to.promotes_from}" (npm run promote -- ${to.promotes_from} ${to.name})`;
  return undefined;
}

export function checkPromotion(input: GateInput): GateDecision {
  const order = orderProblem(input.from.name, input.to);
  if (order) return { allowed: false, reasons: [order] };
  const from = input.from.name;
  // An unmanaged same-named Action in `from` says nothing about what the artifact runs there.
  const reasons: string[] = needsRepair(input.fromVerify.findings).map(
    (f) => `"${from}": ${findingTitle(f.kind)}: ${f.message} (fix: ${f.fix})`,
  );
  const deployedInFrom = new Map(input.fromVerify.actions.map((a) => [a.address, a.deployedSha256]));
  for (const [address, hash] of Object.entries(input.artifact).sort(([a], [b]) => a.localeCompare(b))) {
    const deployed = deployedInFrom.get(address);
    if (deployed === undefined)
      reasons.push(`${address} is not deployed in "${from}"; it must run there before "${input.to.name}" gets it`);
    else if (deployed !== hash) {
      reasons.push(
        `${address}: the code to deploy (sha256 ${hash.slice(0, 12)}) is not the code "${from}" runs (sha256 ${deployed.slice(0, 12)}); deploy this commit to "${from}" first`,
      );
    }
  }
  if (Object.keys(input.artifact).length === 0) reasons.push("the artifact deploys no Action: nothing to compare");
  return reasons.length > 0 ? { allowed: false, reasons } : { allowed: true };
}
