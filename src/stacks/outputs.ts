/**
 * Names of the outputs every TenantStack declares, for the commands that read them back from a
 * synthesized artifact or from state (promotion compares the code hashes).
 */

/** The stack output promotion compares: { <trigger>: { <handler>: sha256 } } (src/stacks/tenant-stack.ts). */
export const CODE_HASH_OUTPUT = "action_code_sha256";
