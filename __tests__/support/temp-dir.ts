import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A new, empty directory under the system's temp dir, named `<prefix>-XXXXXX` so a leftover one says
 * which test made it. Tests use this rather than calling mkdtempSync themselves.
 */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}
