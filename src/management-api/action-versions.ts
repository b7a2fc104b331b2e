/**
 * What an Action's version history says about its deployed version. Auth0's roll-back (deploy an
 * earlier version) makes a new version with that version's code and module pins, so a tenant shows a
 * roll-back by itself: the deployed content equals an earlier version's, and a version in between differed.
 */
import type { ActionVersion } from "./actions";

export interface Redeploy {
  /** The version whose code the deployed version carries again (the roll-back target). */
  version: number;
  /** The deployed version's own number. */
  deployedVersion: number;
  /** When the deployed version was made (ISO 8601), when Auth0 says. */
  at?: string;
}

/**
 * What a version runs: its code and the module versions it is pinned to. Two versions with the same
 * content behave the same; a roll-back returns to an earlier content, module pins included.
 */
export function versionContent(v: ActionVersion): string {
  const pins = (v.modules ?? []).map((m) => `${m.module_id}@${m.module_version_id}`).sort();
  return JSON.stringify([v.code, pins]);
}

/** The roll-back the deployed version is, or undefined when its content is not an earlier version's return. */
export function redeployOf(versions: readonly ActionVersion[], deployed: ActionVersion): Redeploy | undefined {
  if (deployed.number === undefined || deployed.code === undefined) return undefined;
  const content = versionContent(deployed);
  const older = versions
    .filter((v) => v.number !== undefined && v.number < deployed.number! && v.code !== undefined)
    .sort((a, b) => b.number! - a.number!);
  const changedAt = older.findIndex((v) => versionContent(v) !== content);
  if (changedAt < 0) return undefined;
  const target = older.slice(changedAt + 1).find((v) => versionContent(v) === content);
  if (!target) return undefined;
  return { version: target.number!, deployedVersion: deployed.number, ...(deployed.created_at ? { at: deployed.created_at } : {}) };
}

/** "2026-12-05 02:14 UTC" of an ISO date, or the text itself when it is not one. */
export function readableDate(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}
