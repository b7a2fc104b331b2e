/**
 * What crosses the boundary of a parity sandbox process: the job going in (plain data) and, for
 * each side, the schema its answer must match before the parent reads it. The answer comes from a
 * process that ran tenant code, so it is data to validate, never to trust.
 */
import { z } from "zod";
import type { HookType } from "../../migrate/hook/hook-types";
import type { HttpExchange, RuleLogin } from "../fixtures";

export type ParityJob =
  | { side: "rule"; source: string; file: string; login: RuleLogin; timeoutMs?: number }
  | {
      side: "post-login-action";
      code: string;
      event: unknown;
      entryPoint: "onExecutePostLogin" | "onContinuePostLogin";
      http: HttpExchange[];
      dependencyRoot: string;
      timeoutMs?: number;
    }
  | {
      side: "hook";
      source: string;
      file: string;
      hookType: HookType;
      args: unknown[];
      secrets: Record<string, string>;
      context: Record<string, unknown>;
      http: HttpExchange[];
      timeoutMs?: number;
    }
  | {
      side: "hook-action";
      code: string;
      hookType: HookType;
      event: Record<string, unknown>;
      http: HttpExchange[];
      dependencyRoot: string;
      timeoutMs?: number;
    };

const json = z.record(z.unknown());
const logs = z.array(z.string());
const http = z.array(z.string());

export const ruleSideSchema = z
  .object({
    run: z
      .object({
        callbackError: z.object({ message: z.string() }).strict().optional(),
        context: json.optional(),
        user: json.optional(),
        metadataUpdates: z.array(
          z.object({ kind: z.enum(["app_metadata", "user_metadata"]), userId: z.string(), metadata: json }).strict(),
        ),
        logs,
        timedOut: z.string().optional(),
        failure: z.string().optional(),
      })
      .strict(),
    http,
  })
  .strict();

export const postLoginActionSideSchema = z
  .object({
    outcome: z
      .object({
        idTokenClaims: json,
        accessTokenClaims: json,
        addedScopes: z.array(z.string()),
        removedScopes: z.array(z.string()),
        denied: z.object({ reason: z.string() }).strict().optional(),
        appMetadata: json,
        userMetadata: json,
        // What the Action passed, as JSON: the comparison reads these values, whatever their type.
        multifactor: z.object({ provider: z.unknown(), options: z.unknown() }).strict().optional(),
        redirect: z.object({ url: z.unknown(), query: z.unknown() }).strict().optional(),
        primaryUser: z.unknown(),
        samlAttributes: json,
        logs,
        error: z.string().optional(),
      })
      .strict(),
    http,
    exportsContinue: z.boolean(),
  })
  .strict();

export const hookSideSchema = z
  .object({
    run: z
      .object({
        error: z.object({ name: z.string(), message: z.string(), userMessage: z.string().optional() }).strict().optional(),
        response: z.unknown(),
        logs,
        failure: z.string().optional(),
      })
      .strict(),
    http,
  })
  .strict();

export const hookActionSideSchema = z
  .object({
    record: z
      .object({
        denied: z.array(z.unknown()).optional(),
        validationError: z.array(z.unknown()).optional(),
        claims: json,
        userMetadata: json,
        appMetadata: json,
        logs,
        error: z.string().optional(),
      })
      .strict(),
    http,
  })
  .strict();
