import type { BuildOptions } from "esbuild";

/** What bundling produces for an Action or an Action Module (shared by both bundlers). */
export interface BundledAction {
  /** The JavaScript deployed as the Action's code. */
  readonly code: string;
  /** sha256 of `code`, hex: the identity of the artifact promoted between tenants. */
  readonly sha256: string;
  /** Sources that went into the bundle, sorted, relative to the repository (or to the folder of a handler kept elsewhere). */
  readonly inputs: readonly string[];
  /** Action Modules the code requires (`require("actions:<name>")`), sorted: kept out of the bundle. */
  readonly modules: readonly string[];
}

/**
 * The esbuild settings an Action and an Action Module share: one CommonJS file for Node 22, npm
 * dependencies and Action Modules (`require("actions:<name>")`) left external (Auth0 supplies them), no
 * legal comments, and a banner naming the source (relative to `workingDir`, never an absolute path).
 */
export function deployedBundleOptions(workingDir: string, shownEntry: string, external: readonly string[], banner: string): BuildOptions {
  return {
    absWorkingDir: workingDir,
    entryPoints: [shownEntry],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "cjs",
    target: "node22",
    external: [...external],
    legalComments: "none",
    charset: "utf8",
    logLevel: "silent",
    banner: { js: banner },
  };
}
