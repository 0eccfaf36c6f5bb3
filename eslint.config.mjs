// ESLint for the TypeScript: typescript-eslint's recommended rules, and Pulumi's own, which
// need the types (an Output interpolated into a plain template string is a bug).
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
  {
    ignores: [
      "build/",
      ".engine/",
      "tools/engine/",
      "lab/.state/",
      "lab/.cache/",
      "node_modules/",
      "**/*.js",
      "**/*.mjs",
    ],
  },
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { project: "./tsconfig.dev.json", tsconfigRootDir: import.meta.dirname } },
    plugins: { pulumi },
    rules: {
      "pulumi/no-output-in-template-literal": "error",
      "pulumi/no-output-instance-in-template-literal": "error",
      // Prettier wraps code at 120 but not strings or comments. Regular expressions that match a
      // whole message stay on one line, where they read like the message.
      "max-len": ["error", { code: 120, ignoreRegExpLiterals: true }],
    },
  },
  {
    // Tests change stack settings as plain objects, and the mock runtime models the engine's untyped messages.
    files: ["tests/**/*.ts", "tools/mock-runtime.ts", "tools/registrations.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-require-imports": "off" },
  },
);
