/**
 * Before an authoritative flow (auth0_trigger_actions) is applied: which post-login bindings on
 * the tenant were made outside this Terraform stack? The apply replaces the whole flow, so those
 * bindings would disappear without a line in the plan when the resource is first created. This
 * check names them so the user decides; nothing is dropped silently.
 */
import { requestJson } from "./client";

export interface ForeignBinding {
  action_id: string;
  action_name: string;
  display_name: string;
}

interface BindingPage {
  bindings?: Array<{ display_name?: string; action?: { id?: string; name?: string } }>;
  total?: number;
  start?: number;
  limit?: number;
  next?: string;
}

/** Every binding of `trigger`, read page by page the way the provider's SDK reads them. */
export async function readBindings(
  tenantUrl: string,
  token: string,
  options: { ca?: string; trigger?: string } = {},
): Promise<NonNullable<BindingPage["bindings"]>> {
  const all: NonNullable<BindingPage["bindings"]> = [];
  for (let page = 0; page < 100; page++) {
    const url = `${tenantUrl}/api/v2/actions/triggers/${options.trigger ?? "post-login"}/bindings?page=${page}&per_page=100`;
    const res = await requestJson<BindingPage>(url, { token, ...(options.ca ? { ca: options.ca } : {}) });
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    all.push(...(res.body.bindings ?? []));
    const { total = 0, start = 0, limit = 0, next } = res.body;
    if (!next && !(total > start + limit)) return all;
  }
  throw new Error("the bindings list did not end after 100 pages");
}

/** IDs of the auth0_action resources in `terraform show -json` output (the stack's state). */
export function managedActionIds(showJson: unknown): Set<string> {
  const ids = new Set<string>();
  const visit = (module: { resources?: Array<{ type?: string; values?: { id?: unknown } }>; child_modules?: unknown[] } | undefined) => {
    for (const r of module?.resources ?? []) if (r.type === "auth0_action" && typeof r.values?.id === "string") ids.add(r.values.id);
    for (const child of module?.child_modules ?? []) visit(child as typeof module);
  };
  visit((showJson as { values?: { root_module?: Parameters<typeof visit>[0] } })?.values?.root_module);
  return ids;
}

/** Bindings whose Action this stack does not manage. */
export function foreignBindings(bindings: NonNullable<BindingPage["bindings"]>, managed: ReadonlySet<string>): ForeignBinding[] {
  return bindings
    .filter((b) => b.action?.id && !managed.has(b.action.id))
    .map((b) => ({ action_id: b.action!.id!, action_name: b.action?.name ?? "", display_name: b.display_name ?? "" }));
}

export function describeForeignBindings(foreign: readonly ForeignBinding[]): string {
  return foreign.map((f) => `  - "${f.display_name}" (Action "${f.action_name}", id ${f.action_id})`).join("\n");
}
