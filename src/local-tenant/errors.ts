/**
 * Auth0's error bodies, in one place (moto's `exceptions`). The Management API answers
 *   {"statusCode":404,"error":"Not Found","message":"...","errorCode":"..."}
 * and the authentication API (/oauth/token, /local/login) answers {"error":"...","error_description":"..."}.
 * The model throws TenantError; the routes throw or send these; nothing else shapes an error.
 */
import type { FastifyReply } from "fastify";

/** The reason phrases Auth0 puts in `error` (those of RFC 9110). */
const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  431: "Request Header Fields Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export function statusText(statusCode: number): string {
  return STATUS_TEXT[statusCode] ?? "Error";
}

export interface ManagementErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errorCode?: string;
}

export function errorBody(statusCode: number, message: string, errorCode?: string): ManagementErrorBody {
  return { statusCode, error: statusText(statusCode), message, ...(errorCode ? { errorCode } : {}) };
}

export function sendError(reply: FastifyReply, statusCode: number, message: string, errorCode?: string): FastifyReply {
  return reply.code(statusCode).send(errorBody(statusCode, message, errorCode));
}

/** An error Auth0's Management API would answer with; the error handler turns it into the status and body. */
export class TenantError extends Error {
  constructor(
    readonly statusCode: 400 | 404 | 409,
    /** Absent where Auth0 sends none (its 404 for an unknown Action has no errorCode). */
    readonly errorCode: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = "TenantError";
  }
}

/** An authentication API failure: {"error": ..., "error_description": ...}. */
export class OAuthError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
    this.name = "OAuthError";
  }
}
