/**
 * The pure parts of `npm run rollback`: its command line, and the rules that decide which earlier
 * version a roll-back may return to. Nothing here talks to a tenant or to git; a broken rule throws
 * a RollbackRefusal whose message names what was asked and what is allowed.
 */
import { parseArgs } from "node:util";
import { UserFacingError } from "../errors";
import type { Action, ActionVersion } from "../management-api/actions";
import type { DeclaredAction } from "../terraform/declared-stack";

export class RollbackRefusal extends UserFacingError {}

export const ROLLBACK_USAGE =
  "usage: npm run rollback -- <tenant> --to <deployed version number | git ref> [--action <handler>] [--local-state <dir>] [--outdir <dir>] [--tenants-dir <dir>]";

export interface RollbackArgs {
  tenant: string;
  to: RollbackTarget;
  action?: string;
  localStateDir?: string;
  outdir?: string;
  tenantsDir?: string;
}

/** `--to 7` is a deployed version number; anything else is a git ref (commit, tag, branch). */
export type RollbackTarget = { version: number; text: string } | { ref: string; text: string };

export function parseTarget(to: string): RollbackTarget {
  return /^[1-9][0-9]*$/.test(to) ? { version: Number(to), text: to } : { ref: to, text: to };
}

/** The command line, or the reason it is not one (with the usage). */
export function parseRollbackArgs(argv: readonly string[]): RollbackArgs | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        to: { type: "string" },
        action: { type: "string" },
        "local-state": { type: "string" },
        outdir: { type: "string" },
        "tenants-dir": { type: "string" },
      },
    });
  } catch (error) {
    return { error: `${(error as Error).message}\n${ROLLBACK_USAGE}` };
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    return { error: `one tenant name is required, got ${positionals.length === 0 ? "none" : positionals.join(", ")}\n${ROLLBACK_USAGE}` };
  const to = values.to?.trim();
  if (!to) return { error: `--to is required: a deployed version number (e.g. --to 3) or a git ref (e.g. --to v1.4.0)\n${ROLLBACK_USAGE}` };
  if (/^[+-]?[0-9.]+$/.test(to) && !/^[1-9][0-9]*$/.test(to))
    return {
      error: `--to ${to}: a version number is a whole number from 1 (Auth0 numbers an Action's versions 1, 2, 3, …)\n${ROLLBACK_USAGE}`,
    };
  return {
    tenant: positionals[0],
    to: parseTarget(to),
    ...(values.action ? { action: values.action } : {}),
    ...(values["local-state"] ? { localStateDir: values["local-state"] } : {}),
    ...(values.outdir ? { outdir: values.outdir } : {}),
    ...(values["tenants-dir"] ? { tenantsDir: values["tenants-dir"] } : {}),
  };
}

/** A version number names a version of one Action: with several Actions, `--action` says which. */
export function checkNumberNamesOneAction(target: RollbackTarget, selected: readonly DeclaredAction[], tenant: string): void {
  if (!("version" in target) || selected.length <= 1) return;
  const handlers = selected.map((a) => a.address.replace(/^auth0_action\./, "").replace(/_/g, "-"));
  throw new RollbackRefusal(
    `--to ${target.text}: each Action numbers its own versions and ${tenant} declares ${selected.length} (${handlers.join(", ")}); ` +
      `add --action <handler>, or roll every Action back with --to <git ref>`,
  );
}

/** Version `n` of the Action's history; refused when it is newer than any, or gone with Auth0's 50-version cap. */
export function versionByNumber(versions: readonly ActionVersion[], n: number, action: string, tenant: string): ActionVersion {
  const found = versions.find((v) => v.number === n);
  if (found?.code !== undefined) return found;
  const numbers = versions.map((v) => v.number ?? 0).filter((x) => x > 0);
  if (numbers.length === 0) throw new RollbackRefusal(`--to ${n}: "${action}" has no deployed version on ${tenant}`);
  const newest = Math.max(...numbers);
  const oldest = Math.min(...numbers);
  const range = `v${oldest}–v${newest}`;
  if (n > newest) throw new RollbackRefusal(`--to ${n}: "${action}" has no version ${n} on ${tenant}; its versions are ${range}`);
  throw new RollbackRefusal(
    `--to ${n}: v${n} of "${action}" is no longer in ${tenant}'s version history (Auth0 keeps the latest 50 versions of an Action); ` +
      `roll back to one of ${range}, or revert the code and deploy it through review`,
  );
}

/** The version must not need a secret the Action no longer has: it would run without it. */
export function checkSecrets(action: Pick<Action, "secrets">, version: ActionVersion, name: string, tenant: string): void {
  const current = new Set((action.secrets ?? []).map((s) => s.name));
  const gone = (version.secrets ?? []).map((s) => s.name).filter((secret) => !current.has(secret));
  if (gone.length === 0) return;
  const plural = gone.length > 1;
  throw new RollbackRefusal(
    `v${version.number} of "${name}" on ${tenant} was deployed with secret${plural ? "s" : ""} ${gone.join(", ")}, which the Action no longer has ` +
      `(it has: ${[...current].sort().join(", ") || "none"}); it would run without ${plural ? "them" : "it"}. ` +
      `Roll back to a version that needs only those secrets, or set the secret again and deploy`,
  );
}

/** What the artifact (or a commit of it) deploys for one Action: sha256 of its code and of each module's code. */
export interface DeclaredContent {
  sha256: string;
  /** Module name -> sha256 of its code. */
  modules: Readonly<Record<string, string>>;
}

export const declaredContent = (a: Pick<DeclaredAction, "sha256" | "modules">): DeclaredContent => ({
  sha256: a.sha256,
  modules: Object.fromEntries((a.modules ?? []).map((m) => [m.name, m.sha256])),
});

/** Whether two contents are the same code with the same module code. */
export function sameContent(a: DeclaredContent, b: DeclaredContent): boolean {
  const names = (c: DeclaredContent) => Object.keys(c.modules).sort().join("\n");
  return a.sha256 === b.sha256 && names(a) === names(b) && Object.keys(a.modules).every((n) => a.modules[n] === b.modules[n]);
}

/** The newest version whose content is `wanted`: the one that ran last. */
export function newestWithContent(
  versions: readonly ActionVersion[],
  contentOf: (v: ActionVersion) => DeclaredContent | undefined,
  wanted: DeclaredContent,
): ActionVersion | undefined {
  return [...versions]
    .sort((a, b) => (b.number ?? 0) - (a.number ?? 0))
    .find((v) => {
      const content = contentOf(v);
      return content !== undefined && sameContent(content, wanted);
    });
}
