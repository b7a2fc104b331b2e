/**
 * A small HTTPS client for talking to a tenant from Node: JSON in and out, trusting one extra CA
 * (the local tenant's) without touching the process-wide trust store. Also verifies ID tokens
 * against the tenant's published JWKS, as any relying party would.
 */
import { Agent, request as httpsRequest } from "node:https";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";

export interface HttpResult<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export interface RequestOptions {
  method?: string;
  /** Bearer token for the Management API. */
  token?: string;
  body?: unknown;
  /** PEM of an extra CA to trust (the local tenant's). */
  ca?: string;
  timeoutMs?: number;
}

const agents = new Map<string, Agent>();

/** One keep-alive agent per CA, so repeated calls reuse TLS sessions. */
export function agentFor(ca?: string): Agent | undefined {
  if (!ca) return undefined;
  let agent = agents.get(ca);
  if (!agent) {
    agent = new Agent({ ca, keepAlive: false });
    agents.set(ca, agent);
  }
  return agent;
}

/** Sends one request; resolves with status, headers and the parsed JSON body (or raw text). Never rejects on HTTP errors. */
export function requestJson<T = unknown>(url: string, options: RequestOptions = {}): Promise<HttpResult<T>> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolvePromise, reject) => {
    const req = httpsRequest(
      url,
      {
        method: options.method ?? "GET",
        agent: agentFor(options.ca),
        headers: {
          accept: "application/json",
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(payload !== undefined ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {}),
        },
        timeout: options.timeoutMs ?? 30_000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          let body: unknown = text;
          try {
            body = text === "" ? undefined : JSON.parse(text);
          } catch {
            /* not JSON: keep the text */
          }
          resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: body as T });
        });
      },
    );
    req.on("timeout", () =>
      req.destroy(new Error(`${options.method ?? "GET"} ${url}: no answer within ${options.timeoutMs ?? 30_000} ms`)),
    );
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Verifies an ID token the way a relying party does: signature from the JWKS over HTTPS, issuer, audience, expiry. */
export async function verifyIdToken(tenantUrl: string, idToken: string, options: { ca?: string; audience: string }): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL("/.well-known/jwks.json", tenantUrl), { agent: agentFor(options.ca) });
  const { payload } = await jwtVerify(idToken, jwks, {
    issuer: `${tenantUrl.replace(/\/$/, "")}/`,
    audience: options.audience,
    algorithms: ["RS256"],
  });
  return payload;
}
