/** The handler name a converted Rule or Hook gets from its file name (the rule itself: HANDLER_NAME in src/names.ts). */
import { basename, extname } from "node:path";

/** "rules/Add metadata_to-userProfile.js" → "add-metadata-to-user-profile". */
export function handlerNameFromFile(file: string): string {
  return basename(file, extname(file))
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase();
}

/** @deprecated import it from src/names (re-exported for an importer not yet moved: src/adopt/planner.ts). */
