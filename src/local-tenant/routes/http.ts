/**
 * What applies to every request before a route area sees it: body parsers, the error handler
 * (every error leaves in Auth0's shape, errors.ts), cookies (@fastify/cookie: request.cookies,
 * reply.setCookie), the 404 for unknown routes, the request log,
 * and the Management API's gate (a valid bearer token, then any injected fault).
 *
 * Auth0's API answers odd requests the way its HTTP framework (hapi) does: a media type other
 * than JSON (or a form on the Authentication API) is a 415, and so is a body sent with no
 * Content-Type at all (Auth0 refuses it; only an empty body, as the provider's POST .../deploy
 * sends, needs none); a body over the limit a 413, broken JSON a 400 "Invalid request payload
 * JSON format". No client input reaches a 500.
 */
import fastifyCookie from "@fastify/cookie";
import type { FastifyInstance, FastifyReply, FastifyServerOptions } from "fastify";
import type { Socket } from "node:net";
import type { Readable, Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { errorBody, OAuthError, sendError, statusText, TenantError } from "../errors";
import type { RouteContext } from "./context";

/** hapi's default payload limit, which Auth0's Management API keeps. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export function registerHttp(app: FastifyInstance, ctx: RouteContext): void {
  // Fastify's own text/plain parser would let a text body through as a string: hapi answers 415.
  app.removeAllContentTypeParsers();
  // Compressed bodies are decompressed as hapi does; the body limit counts the decompressed bytes.
  app.addHook("preParsing", async (request, _reply, payload) => decompress(request.headers["content-encoding"], payload));
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => done(...parseJson(body as string)));
  // Any other media type is a 415. A body with no Content-Type is one too: reading it as JSON
  // would create Actions from requests Auth0 refuses. An empty body is no body (POST .../deploy).
  app.addContentTypeParser("*", { parseAs: "string" }, (request, body, done) => {
    if (request.headers["content-type"] === undefined && (body as string).trim() === "") return done(null, undefined);
    done(new HttpError(415, "Unsupported Media Type"), undefined);
  });

  // Before any route area: Fastify applies a plugin's hooks to the routes registered after it.
  void app.register(fastifyCookie);

  app.addHook("onResponse", async (request, reply) => {
    ctx.onRequest?.({ method: request.method, path: request.url, status: reply.statusCode });
  });

  app.setErrorHandler((caught, _request, reply) => {
    if (caught instanceof TenantError) return sendError(reply, caught.statusCode, caught.message, caught.errorCode);
    if (caught instanceof OAuthError)
      return reply.code(caught.statusCode).send({ error: caught.error, error_description: caught.description });
    // Errors from Node itself (zlib, sockets) may come from another realm: read fields, never `instanceof Error`.
    const { statusCode: status, code, message } = (caught ?? {}) as { statusCode?: number; code?: string; message?: string };
    if (status === 413 || code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return reply.code(413).send({
        statusCode: 413,
        error: "Request Entity Too Large",
        message: `Payload content length greater than maximum allowed: ${BODY_LIMIT_BYTES}`,
      });
    }
    if (status === 415 || code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return reply.code(415).send(errorBody(415, "Unsupported Media Type"));
    // Anything else the framework refuses (bad Content-Length, a malformed URL, a body on a GET) is the client's doing.
    if (status !== undefined && status >= 400 && status < 500) {
      const text = caught instanceof HttpError || message === INVALID_COMPRESSED ? message! : statusText(status);
      return reply.code(status).send(errorBody(status, text));
    }
    return sendError(reply, 500, "Internal Server Error");
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
      await ctx.tokens.verifyManagementToken(match[1]);
    } catch {
      return sendError(reply, 401, "Invalid token", "invalid_token");
    }
    if (isApi) {
      const fault = ctx.faults.match(request.method, path);
      if (fault) return reply.code(fault.status).headers(fault.headers).send(fault.body);
    }
    return undefined;
  });
}

const INVALID_COMPRESSED = "Invalid compressed payload";

const DECOMPRESSORS: Readonly<Record<string, () => Transform>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, () => Transform>, {
    gzip: createGunzip,
    "x-gzip": createGunzip,
    deflate: createInflate,
    br: createBrotliDecompress,
  }),
);

function decompress(encoding: string | undefined, payload: Readable): Readable {
  const name = (encoding ?? "identity").trim().toLowerCase();
  if (name === "identity" || name === "") return payload;
  const make = DECOMPRESSORS[name];
  if (!make) throw new HttpError(415, "Unsupported Media Type");
  const inflate = make() as Transform & { receivedEncodedLength?: number };
  // Fastify compares what it reads with Content-Length: it must count the bytes that came over the wire.
  inflate.receivedEncodedLength = 0;
  payload.on("data", (chunk: Buffer) => (inflate.receivedEncodedLength! += chunk.length));
  payload.on("error", (error) => inflate.destroy(error));
  // Registered before Fastify's own listener: a body that is not what its Content-Encoding says is
  // the client's error (hapi: 400 "Invalid compressed payload"), not the server's.
  inflate.on("error", (error: Error & { statusCode?: number }) => {
    error.statusCode ??= 400;
    error.message = INVALID_COMPRESSED;
  });
  return payload.pipe(inflate);
}

/**
 * Fastify's own answers to requests it cannot route (a malformed URL) or parse at the HTTP level,
 * in Auth0's error shape instead of Fastify's. Passed to the Fastify constructor.
 */
export const frameworkErrorOptions: Pick<FastifyServerOptions, "frameworkErrors" | "clientErrorHandler"> = {
  frameworkErrors: (error, _request, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 400;
    // The reply type of these hooks is generic over route schemas; this one has none.
    const plain = reply as unknown as FastifyReply;
    void plain.code(status).send(errorBody(status, status === 400 ? "Bad Request" : statusText(status)));
  },
  clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => {
    if (socket.destroyed) return;
    const status = error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : error.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
    const body = JSON.stringify(errorBody(status, statusText(status)));
    // Like Node's default: answer once if the socket can still be written, then close it.
    if (socket.writable) {
      socket.end(
        `HTTP/1.1 ${status} ${statusText(status)}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  },
};

/** An empty body is "no body" (the provider posts /deploy with none); broken JSON is hapi's 400. */
function parseJson(text: string): [Error | null, unknown] {
  const trimmed = text.trim();
  if (trimmed === "") return [null, undefined];
  try {
    return [null, JSON.parse(trimmed)];
  } catch {
    return [new TenantError(400, undefined, "Invalid request payload JSON format"), undefined];
  }
}

/** The JSON object a Management API body must be. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    const found = body === null ? "null" : Array.isArray(body) ? "array" : typeof body;
    throw new TenantError(400, "invalid_body", `Payload validation error: 'Expected type object but found type ${found}'.`);
  }
  return body as Record<string, unknown>;
}
