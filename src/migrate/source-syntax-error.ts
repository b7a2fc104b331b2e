/** A Rule or Hook that cannot be converted as written; the message names the file, line and column. */
export class SourceSyntaxError extends Error {
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
