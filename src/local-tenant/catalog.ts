/**
 * What the local tenant's Actions API accepts: the triggers with their versions, and the runtimes.
 * The triggers are not listed here: they come from the trigger table (src/triggers.ts), so a trigger
 * added there is accepted by the local tenant with no change in this directory.
 */
import { AUTH0_TRIGGER_VERSIONS } from "../triggers";

/**
 * Triggers and the versions Auth0 accepts for each (Management API "GET /actions/triggers"),
 * from the trigger table: the ones this repository builds for, then the others Auth0 knows.
 */
export const ACCEPTED_TRIGGERS: Readonly<Record<string, readonly string[]>> = nullPrototype(Object.fromEntries(AUTH0_TRIGGER_VERSIONS));

/** True for a trigger id Auth0 knows; never for inherited names such as "constructor" or "__proto__". */
export function isTrigger(id: string): boolean {
  return Object.hasOwn(ACCEPTED_TRIGGERS, id);
}

function nullPrototype<T extends object>(entries: T): Readonly<T> {
  return Object.freeze(Object.assign(Object.create(null) as T, entries));
}

/** Runtimes accepted on create/update; the provider sends node18 as "node18-actions". */
export const RUNTIMES = ["node12", "node16", "node18", "node18-actions", "node22"] as const;
export const DEFAULT_RUNTIME = "node22";
