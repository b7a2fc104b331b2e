/**
 * The promotion rule, as a pure function: `to` may receive an artifact only if its tenant file
 * names `from` as the tenant it is promoted from, and `from` already runs exactly that code
 * (every Action's sha256 recorded in from's state equals the artifact's).
 */
import type { Tenant } from "../config/load-tenants";

export type GateDecision = { allowed: true } | { allowed: false; reasons: string[] };

export interface GateInput {
  from: Pick<Tenant, "name">;
  to: Pick<Tenant, "name" | "file" | "promotes_from">;
  /** "<trigger>/<handler>" -> sha256 of the code the artifact deploys to `to`. */
  artifact: Readonly<Record<string, string>>;
  /** "<trigger>/<handler>" -> sha256 recorded in from's state; undefined when it has no such record. */
  deployedInFrom: Readonly<Record<string, string>> | undefined;
}

export function orderProblem(from: string, to: Pick<Tenant, "name" | "file" | "promotes_from">): string | undefined {
  if (to.promotes_from === undefined) return `${to.file} declares no promotes_from: "${to.name}" is not promoted from another tenant (deploy it directly)`;
  if (to.promotes_from !== from) return `${to.file} declares promotes_from: ${to.promotes_from}; "${to.name}" only receives code that runs in "${to.promotes_from}" (npm run promote -- ${to.promotes_from} ${to.name})`;
  return undefined;
}

export function checkPromotion(input: GateInput): GateDecision {
  const order = orderProblem(input.from.name, input.to);
  if (order) return { allowed: false, reasons: [order] };
  const from = input.from.name;
  if (input.deployedInFrom === undefined || Object.keys(input.deployedInFrom).length === 0) {
    return { allowed: false, reasons: [`"${from}" has no recorded deployment (its state has no action_code_sha256 output): deploy this commit to "${from}" first`] };
  }
  const reasons: string[] = [];
  for (const [action, hash] of Object.entries(input.artifact).sort(([a], [b]) => a.localeCompare(b))) {
    const deployed = input.deployedInFrom[action];
    if (deployed === undefined) reasons.push(`Action "${action}" is not deployed in "${from}"; it must run there before "${input.to.name}" gets it`);
    else if (deployed !== hash) {
      reasons.push(`Action "${action}": the code to deploy (sha256 ${hash.slice(0, 12)}) is not the code "${from}" runs (sha256 ${deployed.slice(0, 12)}); deploy this commit to "${from}" first`);
    }
  }
  if (Object.keys(input.artifact).length === 0) reasons.push("the artifact deploys no Action: nothing to compare");
  return reasons.length > 0 ? { allowed: false, reasons } : { allowed: true };
}
