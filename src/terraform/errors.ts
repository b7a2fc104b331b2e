/**
 * The one error the Terraform layer throws: Terraform could not run, or a step ended with an exit
 * code the caller did not accept. The message is ready for a user (what to do first, then
 * Terraform's own error, secrets scrubbed); `args` and `result` are there for callers that need the
 * raw output (tests, lock detection).
 */
import type { TerraformResult } from "./result";
import { UserFacingError } from "../errors";

export class TerraformError extends UserFacingError {
  constructor(
    message: string,
    readonly args: readonly string[] = [],
    readonly result?: TerraformResult,
  ) {
    super(message);
    this.name = "TerraformError";
  }
}
