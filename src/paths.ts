/** Where the repository is on disk: every path the tools read or write is below it. */
import { resolve } from "node:path";

/** The repository root (this file is src/paths.ts). */
export const REPO_ROOT = resolve(__dirname, "..");
