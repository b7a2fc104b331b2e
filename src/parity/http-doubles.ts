/**
 * Doubles for the HTTP clients Rules required (`request`, `axios`), answering from a fixture's
 * `http` list instead of the network, and recording each call. The Rule and the Action get
 * doubles over the same answers, so a parity run compares what each did with the same world.
 * Answers arrive asynchronously (setImmediate), as real I/O would.
 */
import type { HttpExchange } from "./fixtures";

export interface HttpLog {
  /** "METHOD url" of each call, in order. */
  calls: string[];
}

/**
 * `reportError` receives what the caller's callback throws (a Rule failing inside its HTTP
 * callback): the run records it as the Rule's failure instead of the process crashing.
 */
export function httpDoubles(
  exchanges: readonly HttpExchange[],
  log: HttpLog,
  reportError?: (error: unknown) => void,
): Record<string, unknown> {
  const answer = (method: string, url: string): HttpExchange | { error: string } => {
    const normalized = normalizeUrl(url);
    log.calls.push(`${method} ${normalized}`);
    return (
      exchanges.find((e) => e.method === method && normalizeUrl(e.url) === normalized) ?? {
        error: `ECONNREFUSED: the fixture has no answer for ${method} ${normalized}`,
      }
    );
  };
  return { request: requestDouble(answer, reportError), axios: axiosDouble(answer) };
}

type Answer = (method: string, url: string) => HttpExchange | { error: string };
type NodeCallback = (error: Error | null, response?: unknown, body?: unknown) => void;

interface RequestOptions {
  url?: string;
  uri?: string;
  method?: string;
  qs?: Record<string, unknown>;
  json?: unknown;
}

/** The `request` package: request(options, cb), request(url, options, cb), request.get/post/put/patch/del/delete/head. */
function requestDouble(answer: Answer, reportError?: (error: unknown) => void): unknown {
  const call = (method: string | undefined, a: unknown, b?: unknown, c?: unknown) => {
    const callback = (typeof b === "function" ? b : c) as NodeCallback | undefined;
    const options: RequestOptions = {
      ...(typeof a === "string" ? { url: a } : (a as RequestOptions)),
      ...(typeof b === "object" && b !== null ? b : {}),
    };
    const verb = (method ?? options.method ?? "GET").toUpperCase();
    const url = withQuery(options.url ?? options.uri ?? "", options.qs);
    const result = answer(verb, url);
    setImmediate(() => {
      if (!callback) return;
      try {
        if ("error" in result && result.error !== undefined) return callback(new Error(result.error));
        const exchange = result as HttpExchange;
        const body = options.json
          ? structuredClone(exchange.body)
          : typeof exchange.body === "string"
            ? exchange.body
            : JSON.stringify(exchange.body ?? "");
        callback(null, { statusCode: exchange.status, headers: {}, body }, body);
      } catch (error) {
        if (!reportError) throw error;
        reportError(error);
      }
    });
  };
  const request = (a: unknown, b?: unknown, c?: unknown) => call(undefined, a, b, c);
  for (const [name, verb] of [
    ["get", "GET"],
    ["post", "POST"],
    ["put", "PUT"],
    ["patch", "PATCH"],
    ["del", "DELETE"],
    ["delete", "DELETE"],
    ["head", "HEAD"],
  ] as const) {
    Object.assign(request, { [name]: (a: unknown, b?: unknown, c?: unknown) => call(verb, a, b, c) });
  }
  return request;
}

/** `axios`: axios(config), axios.get(url, config), axios.post(url, data, config), …; rejects on status ≥ 400 like axios. */
function axiosDouble(answer: Answer): unknown {
  const send = (method: string, url: string, config: { params?: Record<string, unknown> } = {}) =>
    new Promise((resolve, reject) => {
      const result = answer(method, withQuery(url, config.params));
      setImmediate(() => {
        if ("error" in result && result.error !== undefined)
          return reject(Object.assign(new Error(result.error), { code: result.error.split(":")[0] }));
        const exchange = result as HttpExchange;
        const response = { status: exchange.status, data: structuredClone(exchange.body), headers: {} };
        if (exchange.status >= 400)
          return reject(Object.assign(new Error(`Request failed with status code ${exchange.status}`), { response }));
        resolve(response);
      });
    });
  const axios = (config: { url: string; method?: string; params?: Record<string, unknown> }) =>
    send((config.method ?? "GET").toUpperCase(), config.url, config);
  Object.assign(axios, {
    get: (url: string, config?: { params?: Record<string, unknown> }) => send("GET", url, config),
    delete: (url: string, config?: { params?: Record<string, unknown> }) => send("DELETE", url, config),
    head: (url: string, config?: { params?: Record<string, unknown> }) => send("HEAD", url, config),
    post: (url: string, _data?: unknown, config?: { params?: Record<string, unknown> }) => send("POST", url, config),
    put: (url: string, _data?: unknown, config?: { params?: Record<string, unknown> }) => send("PUT", url, config),
    patch: (url: string, _data?: unknown, config?: { params?: Record<string, unknown> }) => send("PATCH", url, config),
  });
  return axios;
}

function withQuery(url: string, query: Record<string, unknown> | undefined): string {
  if (!query || Object.keys(query).length === 0) return url;
  try {
    const parsed = new URL(url);
    for (const [key, value] of Object.entries(query)) parsed.searchParams.append(key, String(value));
    return parsed.toString();
  } catch {
    return url;
  }
}

function normalizeUrl(url: string): string {
  try {
    return new URL(url).toString();
  } catch {
    return url;
  }
}
