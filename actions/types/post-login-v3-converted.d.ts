/**
 * The post-login v3 types as converted Rules see them (src/migrate). Two differences from
 * ./post-login-v3, both to make a wrong conversion fail type-checking instead of running:
 *   - `event` is deeply read-only: in Actions a write to the event changes nothing Auth0 keeps
 *     (Rules could change `user` and `context`), so such a write must be converted to an api call
 *     or left as a MIGRATION_TODO. app_metadata and user_metadata stay writable: the converter
 *     mirrors every change it keeps there with api.user.setAppMetadata/setUserMetadata, and later
 *     reads in the handler must see it, as in the Rule.
 *   - `api.access.deny` takes a string and refuses `any`: Rules accepted any value as an error, so an
 *     untyped reason must be decided, not passed through.
 * Everything else is the shared type, so a handler that compiles here compiles against ./post-login-v3.
 */
import type { Event as SharedEvent, PostLoginAPI as SharedPostLoginAPI, User } from "./post-login-v3";

export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends ReadonlyArray<infer E>
    ? ReadonlyArray<DeepReadonly<E>>
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/** `string`, but not `any`: `any` is assignable to everything except `never`. */
export type StrictString<T> = 0 extends 1 & T ? never : T extends string ? T : never;

export type ConvertedUser = DeepReadonly<Omit<User, "app_metadata" | "user_metadata">> & {
  readonly app_metadata: Record<string, unknown>;
  readonly user_metadata: Record<string, unknown>;
};

/** Adaptive MFA's assessment of this login (event.authentication.riskAssessment; Rules: context.riskAssessment). */
export interface RiskAssessment {
  confidence: "low" | "medium" | "high" | "neutral";
  version: string;
  assessments: Record<string, { confidence: string; code: string; details?: Record<string, unknown> }>;
}

export type Event = DeepReadonly<Omit<SharedEvent, "user" | "authentication">> & {
  readonly user: ConvertedUser;
  readonly authentication?: DeepReadonly<NonNullable<SharedEvent["authentication"]> & { riskAssessment?: RiskAssessment }>;
};

export type PostLoginAPI = Omit<SharedPostLoginAPI, "access"> & {
  access: { deny<T>(reason: T & StrictString<T>): PostLoginAPI };
};
