/**
 * The repository's jest configuration, run on CDK Terrain under Node 22 (`npm run test:cdktn -- <files>`):
 * the same redirects as ./register.cjs, as module mappings. Snapshots are the default path's: a test
 * passes only if cdktn synthesizes what cdktf synthesized.
 */
const path = require("node:path");
// The repository's tiers are jest projects; the unit project carries the shared settings (transform,
// setup, roots). Any tier's file may be named here, so the tier filter is dropped.
const { projects, ...top } = require("../../jest.config.js");
const { displayName: _tier, testPathIgnorePatterns: _tierFilter, ...base } = projects.find((p) => p.displayName === "unit");

const compatDir = __dirname;
const fromCompat = (request) => path.dirname(require.resolve(`${request}/package.json`, { paths: [compatDir] }));

/** @type {import('jest').Config} */
module.exports = {
  ...top,
  ...base,
  displayName: "cdktn",
  rootDir: path.resolve(compatDir, "..", ".."),
  setupFiles: [path.join(compatDir, "jest-setup.cjs")],
  moduleNameMapper: {
    "^cdktf$": fromCompat("cdktn"),
    "^cdktf/(.*)$": `${fromCompat("cdktn")}/$1`,
    "^constructs$": fromCompat("constructs"),
    // Relative imports of the bindings (../../.gen/providers/...) → the bindings `cdktn get` generated.
    "^(?:\\.\\./)+\\.gen/(.*)$": path.join(compatDir, ".gen", "$1"),
  },
};
