/**
 * Starts and stops a local Auth0 tenant: HTTPS on loopback with the generated CA, the model
 * loaded from (and saved to) <stateDir>/tenant.json, the users from fixtures, and the routes of
 * routes/ (one registration list in routes/index.ts). Scripts and tests use this API; `npm run local-tenant` wraps it in a process.
 */
import Fastify, { type FastifyInstance } from "fastify";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { REPO_ROOT } from "../paths";
import { ensureCertificates } from "./ca";
import { DbUsers } from "./db-users";
import { Faults, type FaultRule } from "./faults";
import { LoginService, type LoginOptions } from "./login";
import { emptyState, TenantModel, type DependencyCheck, type TenantState } from "./model";
import { JsonStore } from "./store";
import { ensureClientCredentials, ensureSigningKey, TokenIssuer } from "./tokens";
import { DEFAULT_USERS_DIR, UserDirectory } from "./users";
import { registerRoutes } from "./routes";
import { RulesHooksModel, type RulesHooksState } from "./rules-hooks";
import { applySeed, loadSeed, type SeedResult } from "./seed";
import { ClientRegistry, DEFAULT_CLIENTS_DIR } from "./oidc/clients";
import { OidcModel } from "./oidc/model";
import { BODY_LIMIT_BYTES, frameworkErrorOptions } from "./routes/http";
import { DependencyStore } from "../sandbox/dependencies";
import { WarmActionPool, type WarmPoolOptions } from "../sandbox/warm-pool";
import { warmRunner, type DeployedActionRunner } from "./action-runner";

export const DEFAULT_STATE_DIR = join(REPO_ROOT, ".local", "tenant");
export const DEFAULT_PORT = 8443;
const HOST = "127.0.0.1";
const MAX_RECORDED_REQUESTS = 10_000;

/** Connection limits, ms. */
export interface Timeouts {
  /** Time to receive a whole request (headers and body), and to finish the TLS handshake. Default 30 s. */
  requestMs: number;
  /** A connection with no traffic for this long is closed. Default 120 s (longer than a 20 s Action flow). */
  idleMs: number;
  /** An idle keep-alive connection between requests is closed after this long. Default 72 s (Fastify's). */
  keepAliveMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { requestMs: 30_000, idleMs: 120_000, keepAliveMs: 72_000 };

export interface LocalTenantOptions {
  /** Connection limits; tests shorten them. */
  timeouts?: Partial<Timeouts>;
  /** Where the CA, keys, credentials and tenant.json live. Default .local/tenant/ (ignored by git). */
  stateDir?: string;
  /** 0 picks a free port. Default 8443, the port of tenants/local.yaml. */
  port?: number;
  usersDir?: string;
  /** In-memory users instead of a directory (tests). */
  users?: UserDirectory;
  /** Applications that log in through /authorize. Default: fixtures/clients/, secrets in <stateDir>/client-secrets.json. */
  clientsDir?: string;
  /** In-memory applications instead of a directory (tests). */
  clients?: ClientRegistry;
  /** Build duration of new drafts, ms. Default 0. */
  buildMs?: number;
  /** How long a failing build reports `retrying` before `failed`, ms. Default 1000. */
  buildRetryMs?: number;
  /**
   * Whether a declared dependency must exist: "npm" asks the registry and installs it for logins (default), "syntax" only
   * checks that npm could parse the name and version (for tests that run without a registry).
   */
  dependencies?: "npm" | "syntax" | DependencyCheck;
  faults?: FaultRule[];
  login?: LoginOptions;
  /**
   * The warm processes that run deployed Actions (one per deployed version, module scope kept between
   * executions as on Auth0's Node 22 runtime): when they are recycled. `{ maxExecutions: 1 }` gives
   * every execution a fresh process.
   */
  actionWorkers?: WarmPoolOptions;
  /** A seed file (YAML/JSON) pre-populating an empty tenant as if made in the Dashboard (see seed.ts). */
  seedFile?: string;
  /** Called with one line per answered request ("GET /api/v2/... 200"). */
  log?: (line: string) => void;
}

export interface LocalTenant {
  /** https://localhost:<port> */
  url: string;
  /** localhost:<port>: the provider's `domain`. */
  domain: string;
  port: number;
  /** PEM of the local CA. */
  caFile: string;
  caPem: string;
  /** System roots plus the local CA: SSL_CERT_FILE for Terraform. */
  caBundleFile: string;
  clientId: string;
  clientSecret: string;
  /** A Management API token (24 h): what AUTH0_API_TOKEN would hold. */
  token: string;
  stateFile: string;
  model: TenantModel;
  /** Rules and Hooks the tenant still stores. */
  rulesHooks: RulesHooksModel;
  /** What the seed file did, when one was given. */
  seeded?: SeedResult;
  /** The applications of the OIDC login, with their secrets. */
  clients: ClientRegistry;
  faults: Faults;
  /** The requests answered, in order (the latest 10 000). */
  requests: Array<{ method: string; path: string; status: number }>;
  close(): Promise<void>;
}

export async function startLocalTenant(options: LocalTenantOptions = {}): Promise<LocalTenant> {
  const stateDir = resolve(options.stateDir ?? DEFAULT_STATE_DIR);
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const certs = ensureCertificates(stateDir);
  const key = await ensureSigningKey(stateDir);
  const client = ensureClientCredentials(stateDir);
  const users = options.users ?? UserDirectory.load(options.usersDir ?? DEFAULT_USERS_DIR);
  const clients = options.clients ?? ClientRegistry.load(options.clientsDir ?? DEFAULT_CLIENTS_DIR, stateDir);

  const store = new JsonStore<TenantState>(join(stateDir, "tenant.json"));
  const dependencies = options.dependencies ?? "npm";
  // What builds install (once per name@version, in <stateDir>/deps) is what logins' sandboxes may read.
  const dependencyStore = new DependencyStore(join(stateDir, "deps"));
  const workers = actionWorkers(stateDir, options.actionWorkers);
  const model = new TenantModel(store.load() ?? emptyState(), {
    buildDurationMs: options.buildMs ?? 0,
    buildRetryMs: options.buildRetryMs ?? 1000,
    ...(dependencies === "syntax"
      ? {}
      : { checkDependencies: dependencies === "npm" ? (deps) => dependencyStore.check(deps) : dependencies }),
    onChange: (state) => {
      store.save(state);
      workers.retainDeployed(state);
    },
  });
  const rulesHooks = new RulesHooksModel(new JsonStore<RulesHooksState>(join(stateDir, "rules-hooks.json")));
  const seed = options.seedFile ? loadSeed(options.seedFile) : undefined;
  const seeded = seed ? await applySeed(seed.seed, seed.baseDir, model, rulesHooks) : undefined;
  const faults = new Faults(options.faults ?? []);
  const requests: LocalTenant["requests"] = [];

  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const app: FastifyInstance = Fastify({
    https: {
      key: certs.serverKeyPem,
      cert: certs.serverCertPem,
      // A client that never finishes the TLS handshake holds a socket: close it.
      handshakeTimeout: timeouts.requestMs,
      // How often Node checks for requests past their deadline (its default is 30 s).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(timeouts.requestMs / 4))),
    },
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    // Slow-drip requests (headers or body trickling in) are answered 408 and closed...
    requestTimeout: timeouts.requestMs,
    // ...and a connection silent for this long is closed, whatever state it is in.
    connectionTimeout: timeouts.idleMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    ...frameworkErrorOptions,
    // The provider keeps connections alive between polls; close them promptly on shutdown.
    forceCloseConnections: true,
  });
  // The domain holds the port, known only after listen (port 0 picks one): set right after it.
  const tokens = new TokenIssuer(key, `localhost:${options.port ?? DEFAULT_PORT}`);
  registerRoutes(app, {
    model,
    rulesHooks,
    tokens,
    client,
    faults,
    dbUsers: DbUsers.inStateDir(stateDir),
    ...(options.log ? { log: options.log } : {}),
    login: new LoginService(model, users, tokens, { runAction: workers.runAction, ...options.login, dependencies: dependencyStore }),
    runAction: workers.runAction,
    users,
    oidc: new OidcModel(clients, { userinfoAudience: () => `${tokens.issuer}userinfo` }),
    onRequest: (entry) => {
      requests.push(entry);
      // A tenant left running for days must not grow without bound; tests read far fewer.
      if (requests.length > MAX_RECORDED_REQUESTS) requests.splice(0, requests.length - MAX_RECORDED_REQUESTS);
      options.log?.(`${entry.method} ${entry.path} ${entry.status}`);
    },
  });

  await app.listen({ host: HOST, port: options.port ?? DEFAULT_PORT });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : (options.port ?? DEFAULT_PORT);
  const domain = `localhost:${port}`;
  tokens.domain = domain;
  const token = await tokens.managementToken(client.client_id);

  return {
    url: `https://${domain}`,
    domain,
    port,
    caFile: certs.caFile,
    caPem: certs.caPem,
    caBundleFile: certs.caBundleFile,
    clientId: client.client_id,
    clientSecret: client.client_secret,
    token,
    stateFile: store.file,
    model,
    rulesHooks,
    ...(seeded ? { seeded } : {}),
    clients,
    faults,
    requests,
    close: async () => {
      workers.pool.close();
      await app.close();
      // A dependency check still running would write tenant.json after its owner cleaned up.
      await model.settled();
    },
  };
}

/**
 * The tenant's warm Action processes (src/sandbox/warm-pool.ts). A redeploy or a deleted Action ends
 * the processes of versions no longer deployed at once, not at the next login.
 */
function actionWorkers(
  stateDir: string,
  options?: WarmPoolOptions,
): { pool: WarmActionPool; runAction: DeployedActionRunner; retainDeployed: (state: TenantState) => void } {
  const pool = new WarmActionPool(options);
  // The state directory is the tenant: two local tenants never share a worker.
  const tenant = stateDir;
  return {
    pool,
    runAction: warmRunner(pool, () => tenant),
    retainDeployed: (state) =>
      pool.retainOnly(
        tenant,
        state.actions.flatMap((a) => (a.deployed_version_id ? [{ actionId: a.id, versionId: a.deployed_version_id }] : [])),
      ),
  };
}
