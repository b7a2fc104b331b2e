// Lint configuration: typescript-eslint's type-aware recommended rules over every TypeScript file
// the compiler checks (tsconfig.json), plus the few rules this codebase relies on.
// Formatting is prettier's job (npm run format:check), so no stylistic rules here.
import eslint from "@eslint/js";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import tseslint from "typescript-eslint";

// Actions the converters wrote (`npm run migrate-rule` / `migrate-hook` put this line first in the file header).
const CONVERTED = /^ \* .*Action converted from the .* by `npm run migrate-(rule|hook)`\.$/m;
const convertedActions = readdirSync(join(import.meta.dirname, "actions"), { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
  .filter((file) => CONVERTED.test(readFileSync(join(import.meta.dirname, "actions", file), "utf8").slice(0, 2000)))
  .map((file) => `actions/${file.split("\\").join("/")}`)
  .sort();

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      ".gen/",
      "compat/cdktn/.gen/",
      "compat/cdktn/.typecheck/",
      "cdktf.out/",
      ".local/",
      "coverage/",
      "state/",
      "rules/",
      "hooks/",
      "fixtures/",
      "**/*.js",
      "**/*.mjs",
      "**/*.cjs",
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Unused names are already compile errors (noUnusedLocals/Parameters); `_`-prefixed ones are deliberate.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // A forgotten await on a deploy, a verify or a write is a silent bug here: keep both on.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false } }],
      // Errors cross process and HTTP boundaries as data; throwing a non-Error loses the stack and the type.
      "@typescript-eslint/only-throw-error": "error",
      // `==` only where null and undefined are meant together.
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    // A function longer than a screen does several things: split it into named steps. Where a split would
    // hurt legibility, an eslint-disable-next-line comment gives the reason. Tests are lists of cases: no limit.
    files: ["src/**/*.ts", "scripts/**/*.ts"],
    rules: { "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Tests and the Action types describe dynamic, Auth0-shaped data: `any` and non-null assertions are normal there.
    files: ["__tests__/**/*.ts", "actions/types/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/unbound-method": "off",
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    // Auth0 calls every Action handler as `async (event, api)`, awaited or not: the handlers keep Auth0's signature.
    files: ["actions/*/*.ts"],
    rules: { "@typescript-eslint/require-await": "off" },
  },
  // Converter output is committed byte for byte (e.g. __tests__/migrate-hook/committed-action.test.ts): the Rule's or
  // Hook's untyped JavaScript stays as it was written (`var`, `any`), so that the Action can be compared with its source.
  ...(convertedActions.length === 0
    ? []
    : [
        {
          files: convertedActions,
          rules: {
            "no-var": "off",
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-unsafe-argument": "off",
            "@typescript-eslint/no-unsafe-member-access": "off",
          },
        },
      ]),
  {
    // The parity harness evaluates the Hook table's own `value` expressions (constants in src/migrate/hook/hook-types.ts,
    // the text the converter emits), never input: the same expression the converted Action runs.
    files: ["src/parity/hook/fixtures.ts"],
    rules: { "@typescript-eslint/no-implied-eval": "off" },
  },
);
