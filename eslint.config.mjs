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

/*
 * Which room may import which (README.md, "Repository layout"): arrows run down only. Leaves
 * (facts/google: Google's facts; vocabulary: regions, data classes, labels, project roles) import
 * no other room; components never import the composition (platform/); the packs judge the
 * program and so never import it (policies/lib/define.ts), only Google's facts; the policies'
 * cases (specs/) read the packs and the offline engine; nothing but a test imports test/, with no
 * exception. Each entry: the files of a room, and the rooms they must not import.
 */
const ROOMS = [
  "facts",
  "vocabulary",
  "components",
  "platform",
  "policies",
  "harness",
  "tools",
  "tenantKeys",
  "ciIdentities",
  "specs",
  "test",
];
/** An import of `room` from anywhere (`./room/x`, `../../room`), or of the composition root `index`. */
const roomImport = (room) => (room === "index" ? "^(\\.\\.?/)+index$" : `^(\\.\\.?/)+${room}(/|$)`);
const restricted = (files, rooms, why, { typesOnly = [] } = {}) => ({
  files,
  rules: {
    // typescript-eslint's rule where some rooms may still be read for their types alone
    // (`import type`, erased at compile time): the arrow it leaves is no dependency at run time.
    [typesOnly.length ? "@typescript-eslint/no-restricted-imports" : "no-restricted-imports"]: [
      "error",
      {
        patterns: [...rooms, ...typesOnly].map((room) => ({
          regex: roomImport(room),
          message: `${why}: ${room === "index" ? "index.ts" : `${room}/`} may not be imported here${typesOnly.includes(room) ? " (its types may, with import type)" : ""}.`,
          ...(typesOnly.includes(room) ? { allowTypeImports: true } : {}),
        })),
      },
    ],
  },
});
const above = (...allowed) => [...ROOMS, "index"].filter((room) => !allowed.includes(room));
const ROOM_RULES = [
  restricted(["facts/**/*.ts"], above("facts"), "Google's facts are a leaf: they import no other room"),
  restricted(
    ["vocabulary/**/*.ts"],
    above("vocabulary"),
    "The vocabulary is a leaf: it imports no other room",
  ),
  // The packs' catalogues (org constraints, health modules) reach components through their
  // arguments, from the composition; a component may name a catalogue entry's type until the
  // catalogue has its own leaf room.
  restricted(
    ["components/**/*.ts"],
    above("facts", "vocabulary", "components", "policies"),
    "Components take the platform's decisions and the catalogues through their arguments",
    { typesOnly: ["policies"] },
  ),
  restricted(
    ["policies/**/*.ts"],
    above("facts", "policies"),
    "Policies judge the program and never import it; only Google's facts are shared",
  ),
  restricted(
    ["platform/**/*.ts", "index.ts", "tenantKeys/**/*.ts", "ciIdentities/**/*.ts"],
    above("facts", "vocabulary", "components", "platform", "policies", "tenantKeys", "ciIdentities"),
    "The program does not import the offline engine, the tools or the tests",
  ),
  restricted(
    ["harness/**/*.ts"],
    ["tools", "specs", "test"],
    "The offline engine does not import the tools or the tests",
  ),
  restricted(
    ["specs/**/*.ts"],
    above("facts", "vocabulary", "policies", "harness", "specs"),
    "The policies' cases judge plans through the offline engine; they import no program, tool or test",
  ),
  restricted(["tools/**/*.ts"], ["test"], "Nothing but a test imports test/"),
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
  ...ROOM_RULES,
);
