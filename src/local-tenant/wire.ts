/**
 * Auth0's wire format for the local tenant (moto's `responses`/`urls`): routes, status codes,
 * response field names and order, pagination and the error body
 *   {"statusCode":404,"error":"Not Found","message":"...","errorCode":"..."}.
 * The shapes follow the provider's recorded traffic against a real tenant; the rules behind them
 * live in model.ts. Nothing here decides what is allowed, only how it is said.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { LoginError, type LoginService } from "./login";
import {
  TenantError,
  TRIGGERS,
  DEFAULT_RUNTIME,
  RUNTIMES,
  type ActionRecord,
  type BindingRecord,
  type TenantModel,
  type VersionRecord,
  type StoredSecret,
} from "./model";
import { FaultError, parseFaultSettings, type Faults } from "./faults";
import { secretMatches, type ClientCredentials, type TokenIssuer } from "./tokens";

export interface WireContext {
  model: TenantModel;
  tokens: TokenIssuer;
  client: ClientCredentials;
  login: LoginService;
  faults: Faults;
  /** Every answered request, for tests and the optional request log. */
  onRequest?: (entry: { method: string; path: string; status: number }) => void;
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export function errorBody(statusCode: number, message: string, errorCode?: string) {
  return { statusCode, error: STATUS_TEXT[statusCode] ?? "Error", message, ...(errorCode ? { errorCode } : {}) };
}

function sendError(reply: FastifyReply, statusCode: number, message: string, errorCode?: string): FastifyReply {
  return reply.code(statusCode).send(errorBody(statusCode, message, errorCode));
}

// ---- views: model records -> Auth0 JSON -------------------------------------------------------

const secretNames = (secrets: StoredSecret[]) => secrets.map((s) => ({ name: s.name, updated_at: s.updated_at }));

function currentVersionView(v: VersionRecord) {
  return {
    id: v.id,
    code: v.code,
    runtime: v.runtime,
    status: "BUILT",
    number: v.number,
    build_time: v.built_at,
    created_at: v.created_at,
    updated_at: v.updated_at,
  };
}

function versionView(v: VersionRecord, deployed: boolean) {
  return {
    code: v.code,
    dependencies: v.dependencies,
    id: v.id,
    deployed,
    number: v.number,
    built_at: v.built_at,
    secrets: secretNames(v.secrets),
    status: "built",
    created_at: v.created_at,
    updated_at: v.updated_at,
    runtime: v.runtime,
    supported_triggers: v.supported_triggers,
  };
}

/**
 * `justSaved`: the answer to a create or update reports the new draft as "pending", as Auth0's
 * does, however fast the local build is; reads report the build's actual state.
 */
export function actionView(model: TenantModel, a: ActionRecord, justSaved = false) {
  const latest = a.versions.at(-1);
  const deployed = model.deployedVersion(a);
  return {
    id: a.id,
    name: a.name,
    supported_triggers: a.supported_triggers,
    created_at: a.created_at,
    updated_at: a.updated_at,
    code: a.code,
    dependencies: a.dependencies,
    runtime: a.runtime,
    status: justSaved ? "pending" : model.statusOf(a),
    secrets: secretNames(a.secrets),
    ...(latest ? { current_version: currentVersionView(latest) } : {}),
    ...(deployed ? { deployed_version: versionView(deployed, true) } : {}),
    all_changes_deployed: model.allChangesDeployed(a),
  };
}

/** The answer to POST .../deploy: the new version, not yet reported as deployed, with its Action. */
/** The Action fields Auth0 embeds in versions and bindings. */
function actionSummary(a: ActionRecord) {
  return { id: a.id, name: a.name, supported_triggers: a.supported_triggers, created_at: a.created_at, updated_at: a.updated_at };
}

function deployView(a: ActionRecord, v: VersionRecord) {
  const { built_at: _builtAt, ...version } = versionView(v, false);
  return {
    ...version,
    action: { ...actionSummary(a), all_changes_deployed: false },
  };
}

function versionListItem(model: TenantModel, a: ActionRecord, v: VersionRecord) {
  return { ...versionView(v, model.deployedVersion(a)?.id === v.id), action_id: a.id };
}

function bindingView(model: TenantModel, trigger: string, b: BindingRecord) {
  const a = model.getAction(b.action_id);
  const latest = a.versions.at(-1);
  const deployed = model.deployedVersion(a);
  return {
    id: b.id,
    trigger_id: trigger,
    action: {
      ...actionSummary(a),
      ...(latest ? { current_version: currentVersionView(latest) } : {}),
      ...(deployed ? { deployed_version: versionView(deployed, true) } : {}),
      all_changes_deployed: model.allChangesDeployed(a),
    },
    created_at: b.created_at,
    updated_at: b.updated_at,
    display_name: b.display_name,
  };
}

/**
 * One page of a list, shaped as the real API shapes it. Page 0 (or no page asked) carries `total`
 * when there is anything to count; later pages carry `page` and no `total`. The SDK keeps asking
 * while `total > start + limit`, and Auth0 sends neither start nor limit: a server that always
 * sent `total` would make the provider read page after page forever.
 */
export function paginate<T>(key: string, items: readonly T[], query: { page?: string; per_page?: string }, defaultPerPage = 50): Record<string, unknown> {
  const page = parseIndex(query.page, "page", 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const perPage = parseIndex(query.per_page, "per_page", 1, 100) ?? defaultPerPage;
  const slice = items.slice(page * perPage, page * perPage + perPage);
  return {
    [key]: slice,
    ...(page === 0 && items.length > 0 ? { total: items.length } : {}),
    ...(page > 0 ? { page } : {}),
    per_page: perPage,
  };
}

function parseIndex(raw: string | undefined, name: string, min: number, max: number): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new TenantError(
      400,
      "invalid_query_string",
      `Query validation error: '${name}' must be an integer between ${min} and ${max === Number.MAX_SAFE_INTEGER ? "2^53" : max}.`,
    );
  }
  return n;
}

// ---- routes ----------------------------------------------------------------------------------

type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string>; Body: unknown }>;

export function registerRoutes(app: FastifyInstance, ctx: WireContext): void {
  const { model, tokens } = ctx;

  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  // The provider posts /deploy with no body; an empty JSON body is "no body", not an error.
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new TenantError(400, "invalid_body", "Invalid request payload JSON format"), undefined);
    }
  });

  app.addHook("onResponse", async (request, reply) => {
    ctx.onRequest?.({ method: request.method, path: request.url, status: reply.statusCode });
  });

  app.setErrorHandler((caught, _request, reply) => {
    const error = caught instanceof Error ? caught : new Error(String(caught));
    if (error instanceof TenantError) return sendError(reply, error.statusCode, error.message, error.errorCode);
    if (error instanceof LoginError) return reply.code(error.statusCode).send({ error: error.error, error_description: error.description });
    if ((error as { statusCode?: number }).statusCode === 413) return sendError(reply, 400, "Payload too large", "invalid_body");
    if ((error as { statusCode?: number }).statusCode === 400) return sendError(reply, 400, error.message, "invalid_body");
    return sendError(reply, 500, `Internal error: ${error.message}`, "internal_error");
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, "Not Found"));

  // Management API: a valid bearer token first, then any injected fault, then the tenant.
  app.addHook("onRequest", async (request, reply) => {
    const path = request.url.split("?")[0];
    const isApi = path.startsWith("/api/v2/");
    const isControl = path.startsWith("/local/faults") || path.startsWith("/local/seed");
    if (!isApi && !isControl) return;
    const header = request.headers.authorization;
    if (!header) return sendError(reply, 401, "Missing authentication", "missing_authentication");
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    try {
      if (!match) throw new Error("not a bearer token");
      await tokens.verifyManagementToken(match[1]);
    } catch {
      return sendError(reply, 401, "Invalid token", "invalid_token");
    }
    if (isApi) {
      const fault = ctx.faults.match(request.method, path);
      if (fault) return reply.code(fault.status).headers(fault.headers).send(fault.body);
    }
    return undefined;
  });

  // ---- tokens: client credentials for the Management API
  app.post("/oauth/token", async (request: Req, reply) => {
    const body = (request.body ?? {}) as Record<string, string>;
    if (body.grant_type !== "client_credentials") {
      return reply.code(403).send({ error: "unsupported_grant_type", error_description: `Unsupported grant type: ${String(body.grant_type)}` });
    }
    const presented = clientFromRequest(request, body);
    if (!presented || presented.client_id !== ctx.client.client_id || !secretMatches(presented.client_secret, ctx.client.client_secret)) {
      return reply.code(401).send({ error: "access_denied", error_description: "Unauthorized" });
    }
    const audience = body.audience ?? tokens.managementAudience;
    if (audience !== tokens.managementAudience) {
      return reply.code(403).send({ error: "access_denied", error_description: `Service not enabled within domain: ${audience}` });
    }
    const accessToken = await tokens.managementToken(presented.client_id);
    return reply.send({
      access_token: accessToken,
      scope: "read:actions create:actions update:actions delete:actions",
      expires_in: 86400,
      token_type: "Bearer",
    });
  });

  // ---- Actions
  app.get("/api/v2/actions/triggers", async () => ({
    triggers: Object.entries(TRIGGERS).map(([id, versions]) => ({
      id,
      version: versions.at(-1),
      status: "CURRENT",
      runtimes: RUNTIMES.filter((r) => r !== "node18-actions"),
      default_runtime: DEFAULT_RUNTIME,
      compatible_triggers: [],
    })),
  }));

  app.get("/api/v2/actions/actions", async (request: Req) => {
    const q = request.query;
    const list = model.listActions({
      ...(q.triggerId ? { triggerId: q.triggerId } : {}),
      ...(q.actionName ? { actionName: q.actionName } : {}),
      ...(q.deployed !== undefined ? { deployed: q.deployed === "true" } : {}),
    });
    return paginate(
      "actions",
      list.map((a) => actionView(model, a)),
      q,
    );
  });

  app.post("/api/v2/actions/actions", async (request: Req, reply) => {
    const action = model.createAction(objectBody(request.body));
    return reply.code(201).send(actionView(model, action, true));
  });

  app.get("/api/v2/actions/actions/:id", async (request: Req) => actionView(model, model.getAction(request.params.id)));

  app.patch("/api/v2/actions/actions/:id", async (request: Req) => actionView(model, model.updateAction(request.params.id, objectBody(request.body)), true));

  app.delete("/api/v2/actions/actions/:id", async (request: Req, reply) => {
    model.deleteAction(request.params.id, { force: request.query.force === "true" });
    return reply.code(204).send();
  });

  app.post("/api/v2/actions/actions/:id/deploy", async (request: Req) => {
    const version = model.deployAction(request.params.id);
    return deployView(model.getAction(request.params.id), version);
  });

  app.get("/api/v2/actions/actions/:id/versions", async (request: Req) => {
    const action = model.getAction(request.params.id);
    // Newest first, as the dashboard's version history lists them.
    return paginate(
      "versions",
      [...action.versions].reverse().map((v) => versionListItem(model, action, v)),
      request.query,
    );
  });

  app.get("/api/v2/actions/actions/:id/versions/:versionId", async (request: Req) => {
    const action = model.getAction(request.params.id);
    return versionListItem(model, action, model.getVersion(action.id, request.params.versionId));
  });

  app.post("/api/v2/actions/actions/:id/versions/:versionId/deploy", async (request: Req) => {
    const version = model.redeployVersion(request.params.id, request.params.versionId);
    return deployView(model.getAction(request.params.id), version);
  });

  // ---- bindings
  app.get("/api/v2/actions/triggers/:trigger/bindings", async (request: Req) => {
    const trigger = request.params.trigger;
    return paginate(
      "bindings",
      model.getBindings(trigger).map((b) => bindingView(model, trigger, b)),
      request.query,
    );
  });

  app.patch("/api/v2/actions/triggers/:trigger/bindings", async (request: Req) => {
    const trigger = request.params.trigger;
    const body = objectBody(request.body) as { bindings?: unknown };
    const bindings = model.replaceBindings(trigger, body.bindings);
    return { bindings: bindings.map((b) => bindingView(model, trigger, b)) };
  });

  // ---- login, keys, discovery
  app.post("/local/login", async (request: Req) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body.user !== "string" || body.user === "") {
      throw new LoginError(400, "invalid_request", 'body must be {"user": "<login name, user_id or email>"} with optional client_id and nonce');
    }
    return ctx.login.login({
      user: body.user,
      ...(typeof body.client_id === "string" ? { client_id: body.client_id } : {}),
      ...(typeof body.nonce === "string" ? { nonce: body.nonce } : {}),
    });
  });

  app.get("/.well-known/jwks.json", async () => tokens.jwks());

  app.get("/.well-known/openid-configuration", async () => ({
    issuer: tokens.issuer,
    jwks_uri: `${tokens.issuer}.well-known/jwks.json`,
    token_endpoint: `${tokens.issuer}oauth/token`,
    response_types_supported: ["id_token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
  }));

  app.get("/local/health", async () => ({ ok: true }));

  // ---- fault control (same bearer token as the Management API)
  app.get("/local/faults", async () => ({ pending: ctx.faults.pending(), served: ctx.faults.served, buildMs: model.buildDurationMs }));
  app.put("/local/faults", async (request: Req, reply) => {
    try {
      const settings = parseFaultSettings(request.body);
      ctx.faults.clear();
      ctx.faults.add(...(settings.rules ?? []));
      if (settings.buildMs !== undefined) model.buildDurationMs = settings.buildMs;
      return { pending: ctx.faults.pending(), buildMs: model.buildDurationMs };
    } catch (error) {
      if (error instanceof FaultError) return sendError(reply, 400, error.message, "invalid_body");
      throw error;
    }
  });
}

function objectBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw new TenantError(400, "invalid_body", "Payload validation error: the body must be a JSON object.");
  return body as Record<string, unknown>;
}

/** Client authentication as RFC 6749 §2.3.1 allows it: HTTP Basic (form-encoded parts) or body parameters. */
function clientFromRequest(request: Req, body: Record<string, string>): { client_id: string; client_secret: string } | undefined {
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? "");
  if (basic) {
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return undefined;
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
    return { client_id: decode(decoded.slice(0, colon)), client_secret: decode(decoded.slice(colon + 1)) };
  }
  if (typeof body.client_id === "string" && typeof body.client_secret === "string") return { client_id: body.client_id, client_secret: body.client_secret };
  return undefined;
}
