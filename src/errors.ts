/**
 * Errors whose message alone tells the user what is wrong and what to run or change (a tenant
 * file field, a fixture, a Terraform step): commands print the message, never a stack trace.
 * Anything else reaching a command's top level is a bug, printed with its stack.
 */
export class UserFacingError extends Error {}
