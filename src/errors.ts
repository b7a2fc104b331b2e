/**
 * Errors whose message alone tells the user what is wrong and what to run or change (a tenant
 * file field, a fixture, a Terraform step): commands print the message, never a stack trace.
 * Anything else reaching a command's top level is a bug, printed with its stack.
 */
export class UserFacingError extends Error {}

/**
 * What a command prints for an error reaching its top level: a UserFacingError's message alone;
 * anything else is a bug, so its stack, after `bugLabel` (e.g. "unexpected failure: ").
 */
export function errorReport(error: unknown, bugLabel = ""): string {
  if (error instanceof UserFacingError) return error.message;
  return `${bugLabel}${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
