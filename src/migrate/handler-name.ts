/** Handler names: the file under actions/post-login/ and the tenant file's `handler:` (kebab-case). */
import { basename, extname } from "node:path";

export const HANDLER_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** "rules/Add metadata_to-userProfile.js" → "add-metadata-to-user-profile". */
export function handlerNameFromFile(file: string): string {
  return basename(file, extname(file))
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase();
}
