// ESLint, run by `npm test` (npm run lint): TypeScript's recommended rules, React hooks, and the few
// house rules that matter here. Formatting is Prettier's job, not ESLint's.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/", ".cache/", "node_modules/", "public/build/", ".tmp/", "bench/out/", "test-results/", "screenshots/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      // `in` on a plain object also finds Object.prototype's keys ("constructor", "__proto__"):
      // look request-named keys up with Object.hasOwn or a Map instead.
      "no-restricted-syntax": [
        "error",
        { selector: "BinaryExpression[operator='in']", message: "Use Object.hasOwn(obj, key) or a Map: `in` also sees Object.prototype." },
      ],
      "no-console": "off",
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    // Tests, benchmarks and test tooling may use non-null assertions and loose casts on fixtures.
    files: ["test/**", "bench/**", "testkit/**", "scripts/**"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
