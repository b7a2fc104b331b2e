/**
 * Calling Rule and Hook code in its vm context the way their runtimes did: callback-style code
 * that may also throw or, when async, reject; values copied out as JSON (they come from another realm).
 */

/**
 * Calls `call`; a synchronous throw or the rejection of a returned promise goes to `fail`, with
 * "threw" or "rejected" saying which.
 */
export function callCatching(call: () => unknown, fail: (error: unknown, how: "threw" | "rejected") => void): void {
  try {
    const returned = call();
    if (returned && typeof (returned as PromiseLike<unknown>).then === "function")
      (returned as PromiseLike<unknown>).then(undefined, (error: unknown) => fail(error, "rejected"));
  } catch (error) {
    fail(error, "threw");
  }
}

/** A plain copy through JSON (undefined stays undefined). */
export function jsonCopy(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

/** How a logged value reads: its JSON, else its string form (cycles, BigInt). */
export function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
