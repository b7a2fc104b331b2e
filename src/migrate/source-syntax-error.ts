import { UserFacingError } from "../errors";

/** A Rule or Hook that cannot be converted as written; the message names the file, line and column. */
export class SourceSyntaxError extends UserFacingError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = "SourceSyntaxError";
  }
}
