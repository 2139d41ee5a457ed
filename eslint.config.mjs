import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

// Type information is expensive (a TypeScript program over the project); only the Pulumi rules
// need it, to tell an Output from a string, and Outputs are built only in the program itself.
const PROGRAM_FILES = [
  "index.ts",
  "components/**/*.ts",
  "platform/**/*.ts",
  "tenantKeys/**/*.ts",
  "ciIdentities/**/*.ts",
];

export default tseslint.config(
  { ignores: ["node_modules/**", "bin/**", "coverage/**", "**/*.js", "**/*.mjs"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: PROGRAM_FILES,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
    },
  },
);
