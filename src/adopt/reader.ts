/**
 * Reads a live tenant through the Management API into a plain model: every Action (with its
 * deployed version), the bindings of every trigger in order, and the Rules and Hooks still
 * stored. GET requests only (plus the client-credentials token request, which changes nothing):
 * adopting never modifies the tenant.
 */
import { UserFacingError } from "../errors";
import { requestJson } from "../local-run/client";
import { isTriggerId, TRIGGER_IDS } from "../triggers";

export interface TenantConnection {
  /** https://<domain> */
  url: string;
  /** A Management API access token. */
  token: string;
  /** PEM of an extra CA to trust (the local tenant's). */
  ca?: string;
}

export interface AdoptedAction {
  id: string;
  name: string;
  trigger: { id: string; version: string };
  /** Undefined when the Action was saved but never deployed (a draft only). */
  deployed?: {
    code: string;
    runtime: string;
    dependencies: Array<{ name: string; version: string }>;
    secretNames: string[];
  };
  /** True when the draft differs from the deployed version (undeployed changes). */
  pendingDraft: boolean;
}

export interface AdoptedBinding {
  actionId: string;
  displayName: string;
}

export interface AdoptedRule {
  id: string;
  name: string;
  enabled: boolean;
  order: number;
  script: string;
}

export interface AdoptedHook {
  id: string;
  name: string;
  triggerId: string;
  enabled: boolean;
  script: string;
  dependencies: Record<string, string>;
  secretNames: string[];
}

export interface TenantSnapshot {
  actions: AdoptedAction[];
  /** Trigger id → bindings in flow order; only triggers with at least one binding. */
  bindings: Record<string, AdoptedBinding[]>;
  rules: AdoptedRule[];
  hooks: AdoptedHook[];
}

export class TenantReadError extends UserFacingError {}

/** The shape of Auth0's trigger ids ("post-login", "password-reset-post-challenge"). */
const AUTH0_TRIGGER_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function unknownTrigger(trigger: string, where: string): TenantReadError {
  return new TenantReadError(
    `the tenant's trigger id ${JSON.stringify(trigger.slice(0, 100))} (${where}) is not one this repository declares; ` +
      `adopt accepts ${TRIGGER_IDS.join(", ")} (src/triggers.ts). Unbind those Actions in the tenant, or add the trigger to src/triggers.ts first`,
  );
}

/** Fetches a client-credentials token the way the provider does (POST /oauth/token). */
export async function managementToken(url: string, clientId: string, clientSecret: string, ca?: string): Promise<string> {
  const res = await requestJson<{
    access_token?: string;
    error_description?: string;
  }>(`${url}/oauth/token`, {
    method: "POST",
    body: {
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
      audience: `${url}/api/v2/`,
    },
    ...(ca ? { ca } : {}),
  });
  if (res.status !== 200 || !res.body?.access_token) {
    throw new TenantReadError(
      `POST ${url}/oauth/token: ${res.status} ${res.body?.error_description ?? ""}`.trim() +
        ": check AUTH0_CLIENT_ID / AUTH0_CLIENT_SECRET",
    );
  }
  return res.body.access_token;
}

export async function readTenant(conn: TenantConnection): Promise<TenantSnapshot> {
  const api = managementReader(conn);
  const actions = await readActions(api);
  const bindings = await readBindings(api);
  const rules = (await api.all<AdoptedRule & { stage?: string }>("/api/v2/rules?include_totals=true", "rules"))
    .map((r) => ({
      id: r.id,
      name: r.name,
      enabled: r.enabled,
      order: r.order,
      script: r.script,
    }))
    .sort((a, b) => a.order - b.order);
  const hooks = await readHooks(api);
  return { actions, bindings, rules, hooks };
}

interface ManagementReader {
  get<T>(path: string): Promise<T>;
  /** Pages with page/per_page until a short page, the way Auth0's SDKs read lists. */
  all<T>(path: string, key: string): Promise<T[]>;
}

/** GETs of the Management API with the connection's token; anything but 200 is a TenantReadError. */
function managementReader(conn: TenantConnection): ManagementReader {
  const get = async <T>(path: string): Promise<T> => {
    const res = await requestJson<T>(`${conn.url}${path}`, {
      token: conn.token,
      ...(conn.ca ? { ca: conn.ca } : {}),
    });
    if (res.status === 403)
      throw new TenantReadError(`GET ${path}: 403: the client needs the read:actions, read:rules and read:hooks scopes`);
    if (res.status !== 200) throw new TenantReadError(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const all = async <T>(path: string, key: string): Promise<T[]> => {
    const items: T[] = [];
    const sep = path.includes("?") ? "&" : "?";
    for (let page = 0; page < 1000; page++) {
      const body = await get<Record<string, unknown> | T[]>(`${path}${sep}page=${page}&per_page=100`);
      const list = Array.isArray(body) ? body : ((body[key] as T[] | undefined) ?? []);
      items.push(...list);
      if (list.length < 100) return items;
    }
    throw new TenantReadError(`GET ${path}: the list did not end after 1000 pages`);
  };
  return { get, all };
}

interface RawVersion {
  code: string;
  runtime: string;
  dependencies?: Array<{ name: string; version: string }>;
  secrets?: Array<{ name: string }>;
}

interface RawAction {
  id: string;
  name: string;
  supported_triggers: Array<{ id: string; version: string }>;
  deployed_version?: RawVersion;
  all_changes_deployed?: boolean;
}

/** Every Action with its trigger and deployed version (dependencies and secret names sorted). */
async function readActions(api: ManagementReader): Promise<AdoptedAction[]> {
  const rawActions = await api.all<RawAction>("/api/v2/actions/actions", "actions");
  return rawActions.map((a) => ({
    id: a.id,
    name: a.name,
    trigger: {
      id: a.supported_triggers[0]?.id ?? "",
      version: a.supported_triggers[0]?.version ?? "",
    },
    ...(a.deployed_version
      ? {
          deployed: {
            code: a.deployed_version.code,
            runtime: a.deployed_version.runtime,
            dependencies: [...(a.deployed_version.dependencies ?? [])].sort((x, y) => x.name.localeCompare(y.name)),
            secretNames: (a.deployed_version.secrets ?? []).map((s) => s.name).sort(),
          },
        }
      : {}),
    pendingDraft: a.deployed_version !== undefined && a.all_changes_deployed === false,
  }));
}

/** Each trigger's bindings in flow order; a trigger this repository cannot declare is refused once anything is bound to it. */
async function readBindings(api: ManagementReader): Promise<Record<string, AdoptedBinding[]>> {
  const triggers = await api.get<{ triggers: Array<{ id: string }> }>("/api/v2/actions/triggers");
  const bindings: Record<string, AdoptedBinding[]> = {};
  for (const trigger of [...new Set(triggers.triggers.map((t) => String(t.id)))].sort()) {
    // Auth0 offers triggers this repository cannot declare: reading their (usually empty) flows is
    // harmless, but a trigger id becomes a folder and a tenant-file key, so only known ids are adopted.
    if (!isTriggerId(trigger) && !AUTH0_TRIGGER_ID.test(trigger)) throw unknownTrigger(trigger, "GET /api/v2/actions/triggers");
    const list = await api.all<{ display_name: string; action: { id: string } }>(
      `/api/v2/actions/triggers/${encodeURIComponent(trigger)}/bindings`,
      "bindings",
    );
    if (list.length === 0) continue;
    if (!isTriggerId(trigger)) throw unknownTrigger(trigger, `the ${list.length} Action(s) bound to it`);
    bindings[trigger] = list.map((b) => ({
      actionId: b.action.id,
      displayName: b.display_name,
    }));
  }
  return bindings;
}

/** Every Hook, with the names of its secrets. */
async function readHooks(api: ManagementReader): Promise<AdoptedHook[]> {
  const rawHooks = await api.all<Omit<AdoptedHook, "secretNames">>("/api/v2/hooks?include_totals=true", "hooks");
  const hooks: AdoptedHook[] = [];
  for (const h of rawHooks) {
    // Values come back as "_VALUE_NOT_SHOWN_": only the names are of use.
    const secrets = await api.get<Record<string, string>>(`/api/v2/hooks/${encodeURIComponent(h.id)}/secrets`);
    hooks.push({
      id: h.id,
      name: h.name,
      triggerId: h.triggerId,
      enabled: h.enabled,
      script: h.script,
      dependencies: h.dependencies ?? {},
      secretNames: Object.keys(secrets).sort(),
    });
  }
  return hooks;
}
