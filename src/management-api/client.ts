/**
 * A small Auth0 Management API client for the flows that read the tenant's truth (verify, deploy,
 * drift, promote): credentials from the environment (AUTH0_API_TOKEN, or AUTH0_CLIENT_ID +
 * AUTH0_CLIENT_SECRET through the client-credentials grant, as the provider does), the CA bundle
 * from SSL_CERT_FILE (added to Node's own roots), and transient failures retried: 429 after its
 * X-RateLimit-Reset, 5xx and dropped connections with exponential backoff (p-retry).
 */
import { readFileSync } from "node:fs";
import { Agent, request as httpsRequest } from "node:https";
import { rootCertificates } from "node:tls";
import pRetry from "p-retry";
import { UserFacingError } from "../errors";

export class ManagementApiError extends UserFacingError {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "ManagementApiError";
  }
}

export interface ManagementApiOptions {
  /** The tenant file's domain, e.g. "coop-dev.eu.auth0.com" or "localhost:8443". */
  domain: string;
  env?: NodeJS.ProcessEnv;
  /** Retries of one request after a 429, 5xx or dropped connection. Default 8. */
  retries?: number;
  /** Backoff before the first retry of a 5xx, doubled each time up to 8 s. Default 250 ms. */
  minBackoffMs?: number;
  /** One line per retry (to stderr in the CLIs). */
  log?: (line: string) => void;
  timeoutMs?: number;
}

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface ManagementApi {
  readonly baseUrl: string;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  delete(path: string): Promise<void>;
}

/** A client for the tenant at `domain`; fails with a clear message when no credentials are set. */
export async function connectManagementApi(options: ManagementApiOptions): Promise<ManagementApi> {
  const env = options.env ?? process.env;
  const baseUrl = `https://${options.domain.replace(/\.$/, "")}`;
  const agent = agentFor(env);
  const send = (method: string, path: string, body: unknown, token?: string) =>
    httpJson(`${baseUrl}${path}`, method, body, agent, token, options.timeoutMs ?? 30_000);
  const retrying = (method: string, path: string, body: unknown, token?: string) =>
    withRetries(() => send(method, path, body, token), `${method} ${path}`, options);

  const token = await accessToken(baseUrl, env, (body) => retrying("POST", "/oauth/token", body));
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const answer = await retrying(method, `/api/v2${path}`, body, token);
    if (answer.status >= 400)
      throw new ManagementApiError(`${method} /api/v2${path}: ${answer.status} ${errorText(answer.body)}`, answer.status);
    return answer.body as T;
  };
  return {
    baseUrl,
    get: (path) => call("GET", path),
    post: (path, body) => call("POST", path, body ?? {}),
    patch: (path, body) => call("PATCH", path, body),
    delete: async (path) => {
      await call("DELETE", path);
    },
  };
}

async function accessToken(baseUrl: string, env: NodeJS.ProcessEnv, post: (body: unknown) => Promise<HttpAnswer>): Promise<string> {
  const apiToken = (env.AUTH0_API_TOKEN ?? "").trim();
  if (apiToken !== "") return apiToken;
  const clientId = (env.AUTH0_CLIENT_ID ?? "").trim();
  const clientSecret = (env.AUTH0_CLIENT_SECRET ?? "").trim();
  if (clientId === "" || clientSecret === "") {
    throw new ManagementApiError(
      "no Auth0 credentials in the environment: set AUTH0_API_TOKEN, or AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET of an application authorized for the Management API",
    );
  }
  const answer = await post({
    grant_type: "client_credentials",
    client_id: clientId,
    client_secret: clientSecret,
    audience: `${baseUrl}/api/v2/`,
  });
  const body = answer.body as { access_token?: unknown };
  if (answer.status !== 200 || typeof body?.access_token !== "string") {
    throw new ManagementApiError(
      `Auth0 refused the client credentials (POST /oauth/token: ${answer.status} ${errorText(answer.body)}): check AUTH0_CLIENT_ID / AUTH0_CLIENT_SECRET and the application's Management API grant`,
      answer.status,
    );
  }
  return body.access_token;
}

/** 429 and 5xx are worth another try; the rest is the answer. */
async function withRetries(attempt: () => Promise<HttpAnswer>, what: string, options: ManagementApiOptions): Promise<HttpAnswer> {
  const minBackoff = options.minBackoffMs ?? 250;
  return pRetry(
    async () => {
      let answer: HttpAnswer;
      try {
        answer = await attempt();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? "";
        // A wrong domain or an untrusted certificate will not fix itself: say so at once.
        if (!RETRYABLE_NETWORK.has(code) && !/no answer within|socket hang up/.test((error as Error).message)) {
          throw new ManagementApiError(
            `${what}: ${(error as Error).message}: cannot reach the tenant's Management API; check the tenant file's domain, the network, and SSL_CERT_FILE for a private CA`,
          );
        }
        throw new TransientError(`${what}: ${(error as Error).message}`, minBackoff);
      }
      if (answer.status === 429) throw new TransientError(`${what}: 429 rate limited`, rateLimitWaitMs(answer.headers, minBackoff), 429);
      if (answer.status >= 500) throw new TransientError(`${what}: ${answer.status} ${errorText(answer.body)}`, 0, answer.status);
      return answer;
    },
    {
      retries: options.retries ?? 8,
      minTimeout: minBackoff,
      maxTimeout: 8_000,
      factor: 2,
      randomize: false,
      onFailedAttempt: async (error) => {
        if (!(error instanceof TransientError)) throw error;
        if (error.retriesLeft > 0) options.log?.(`${error.message}; retrying (${error.retriesLeft} left)`);
        // A 429 says when the limit resets: wait for that on top of the backoff.
        if (error.extraWaitMs > 0) await new Promise((r) => setTimeout(r, error.extraWaitMs));
      },
    },
  ).catch((error: unknown) => {
    if (!(error instanceof TransientError)) throw error;
    const attempts = `gave up after ${(options.retries ?? 8) + 1} attempts`;
    // A rate limit that outlasts every retry is someone else using the tenant's quota (another job,
    // a script, the Dashboard): nothing is wrong with the change, it only has to be run again.
    if (error.status === 429) throw new RateLimitedError(`${error.message} (${attempts}): ${RATE_LIMIT_ADVICE}`);
    throw new ManagementApiError(`${error.message} (${attempts})`, error.status);
  });
}

/** Connection failures worth another try: the tenant restarting, a dropped connection, a DNS hiccup. */
const RETRYABLE_NETWORK = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ECONNABORTED",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

class TransientError extends Error {
  constructor(
    message: string,
    readonly extraWaitMs: number,
    /** The HTTP status, when the tenant answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

const RATE_LIMIT_ADVICE =
  "the tenant's Management API rate limit stayed used up (another job, a script or the Dashboard may be using it); run the command again once the limit resets";

/** Still answered 429 after every retry: the run can simply be repeated later (the CLIs name the command). */
export class RateLimitedError extends ManagementApiError {
  constructor(message: string) {
    super(message, 429);
    this.name = "RateLimitedError";
  }
}

/** Milliseconds until X-RateLimit-Reset (unix seconds), at least `min`, at most a minute. */
export function rateLimitWaitMs(headers: Record<string, string | string[] | undefined>, min: number, now = Date.now()): number {
  const raw = headers["x-ratelimit-reset"];
  const reset = Number(Array.isArray(raw) ? raw[0] : raw);
  if (!Number.isFinite(reset) || reset <= 0) return min;
  return Math.min(60_000, Math.max(min, reset * 1000 - now));
}

function errorText(body: unknown): string {
  if (body && typeof body === "object") {
    const b = body as { error?: unknown; message?: unknown; error_description?: unknown };
    return [b.error, b.message ?? b.error_description].filter((x) => typeof x === "string").join(": ");
  }
  return typeof body === "string" ? body.slice(0, 200) : "";
}

const agents = new Map<string, Agent>();

/** Node's roots plus SSL_CERT_FILE, as curl, Go (the provider) and other tools read it. */
function agentFor(env: NodeJS.ProcessEnv): Agent | undefined {
  const file = env.SSL_CERT_FILE;
  if (!file) return undefined;
  let agent = agents.get(file);
  if (!agent) {
    let pem: string;
    try {
      pem = readFileSync(file, "utf8");
    } catch (error) {
      throw new ManagementApiError(
        `SSL_CERT_FILE=${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): point it at a PEM CA bundle or unset it`,
      );
    }
    agent = new Agent({ ca: [...rootCertificates, pem], keepAlive: false });
    agents.set(file, agent);
  }
  return agent;
}

function httpJson(
  url: string,
  method: string,
  body: unknown,
  agent: Agent | undefined,
  token: string | undefined,
  timeoutMs: number,
): Promise<HttpAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method,
        agent,
        timeout: timeoutMs,
        headers: {
          accept: "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload !== undefined ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          let parsed: unknown = text;
          try {
            parsed = text === "" ? undefined : JSON.parse(text);
          } catch {
            /* not JSON: keep the text */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
