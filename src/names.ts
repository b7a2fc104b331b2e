/**
 * The naming rules that tenant files, the converters and their CLIs share: one definition each,
 * so a name one accepts is never refused by another.
 */

/** A handler: its file name under actions/<trigger>/ without the extension, and a tenant file's `handler:` (kebab-case). */
export const HANDLER_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** An Action secret name (UPPER_SNAKE_CASE, at most 128 characters): also usable as a Terraform identifier fragment and an env var suffix. */
export const SECRET_NAME = /^[A-Z][A-Z0-9_]{0,127}$/;
