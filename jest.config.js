/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Transpile only: `npm run typecheck` type-checks everything once, faster than per-file checks.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  // Action Modules: handlers import "actions:<name>" as Auth0 resolves it (tsconfig.json "paths").
  moduleNameMapper: { "^actions:(.*)$": "<rootDir>/actions/modules/$1/index.ts" },
  setupFilesAfterEnv: ["<rootDir>/setup.js"],
  testTimeout: 180000,
};
