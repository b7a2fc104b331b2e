/**
 * Applies recorded api calls to an in-process `api` object, in order: how a caller turns a sandbox
 * result into the outcome of its trigger (e.g. the post-login `recordingApi` of src/actions-runtime),
 * so the sandbox and the in-process runtime share one meaning of each call.
 */
import type { ApiCall } from "./sandbox";

export class ReplayError extends Error {}

export function replayCalls(api: object, calls: readonly ApiCall[]): void {
  for (const call of calls) {
    const parts = call.path.split(".");
    let owner: unknown = api;
    let method: unknown = api;
    for (const part of parts) {
      owner = method;
      // Own properties only: a path such as "__proto__.constructor" names nothing.
      method =
        typeof method === "object" && method !== null && Object.prototype.hasOwnProperty.call(method, part)
          ? (method as Record<string, unknown>)[part]
          : undefined;
    }
    if (typeof method !== "function") throw new ReplayError(`api.${call.path} is not a method of this trigger's api`);
    method.apply(owner, call.args);
  }
}
