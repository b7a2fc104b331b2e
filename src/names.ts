/**
 * The naming rules that tenant files, the converters and their CLIs share: one definition each,
 * so a name one accepts is never refused by another.
 */

/** A handler: its file name under actions/<trigger>/ without the extension, and a tenant file's `handler:` (kebab-case). */
export const HANDLER_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * An Action secret name as tenant files accept it: letters (either case), digits and _, not starting
 * with a digit, at most 128 characters (Auth0's limit). Auth0 stores mixed-case names (its own
 * examples use `mySecret`; the provider's recorded tests send `foo`), and the handler reads them as
 * `event.secrets.<name>`, so an identifier is what is useful. The environment variable that carries
 * the value is a separate name with its own rule (ENV_VAR_NAME).
 */
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** The style the converters give the secrets they create (apiKey → API_KEY); any SECRET_NAME is valid. */
export const CONVENTIONAL_SECRET_NAME = /^[A-Z][A-Z0-9_]{0,127}$/;

/** An environment variable name (the suffix of TF_VAR_<name> carrying a secret's value). */
export const ENV_VAR_NAME = /^[A-Z_][A-Z0-9_]*$/;

/**
 * A dependency version as an Action accepts it: an exact version (1.2.3), a range of the forms
 * Auth0's build resolves (^1.2.3, ~1.2, 4) or a dist-tag such as "latest" (the Dashboard's default).
 * Only an exact version is pinned: anything else is resolved when Auth0 builds the Action.
 */
export const DEPENDENCY_VERSION = /^([~^]?\d+(\.\d+){0,2}([-+][0-9A-Za-z.-]+)?|[a-z][a-z0-9._-]{0,63})$/;

/** Whether `version` names exactly one release (x.y.z, optionally with a pre-release or build). */
export function isPinnedVersion(version: string): boolean {
  return /^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(version);
}
