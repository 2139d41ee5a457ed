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
 * no other room; the catalogue (controls, PCI DSS map, org constraints, keys, workloads, health
 * modules, weakenings) imports only those two; components never import the composition (platform/); the packs judge the
 * program and so never import it (policies/lib/define.ts), only Google's facts; the policies'
 * cases (specs/) read the packs and the offline engine; nothing but a test imports test/, with no
 * exception. Each entry: the files of a room, and the rooms they must not import.
 */
const ROOMS = [
  "facts",
  "vocabulary",
  "catalogue",
  "components",
  "platform",
  "policies",
  "engine",
  "tools",
  "tenantKeys",
  "ciIdentities",
  "specs",
  "test",
];
/** An import of `room` from anywhere (`./room/x`, `../../room`), or of the composition root `index`. */
const roomImport = (room) => (room === "index" ? "^(\\.\\.?/)+index$" : `^(\\.\\.?/)+${room}(/|$)`);
const restricted = (files, rooms, why) => ({
  files,
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: rooms.map((room) => ({
          regex: roomImport(room),
          message: `${why}: ${room === "index" ? "index.ts" : `${room}/`} may not be imported here.`,
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
  restricted(
    ["catalogue/**/*.ts"],
    above("facts", "vocabulary", "catalogue"),
    "The catalogue is a leaf: it imports only Google's facts and the vocabulary",
  ),
  // The catalogue's entries (org constraints, health modules) reach components through their
  // arguments, from the composition; a component may name their types and read the catalogue's
  // own tables (key rings, workloads), never the packs.
  restricted(
    ["components/**/*.ts"],
    above("facts", "vocabulary", "catalogue", "components"),
    "Components take the platform's decisions and the catalogues through their arguments",
  ),
  restricted(
    ["policies/**/*.ts"],
    above("facts", "catalogue", "policies"),
    "Policies judge the program and never import it; only Google's facts and the catalogue are shared",
  ),
  restricted(
    ["platform/**/*.ts", "index.ts", "tenantKeys/**/*.ts", "ciIdentities/**/*.ts"],
    above(
      "facts",
      "vocabulary",
      "catalogue",
      "components",
      "platform",
      "policies",
      "tenantKeys",
      "ciIdentities",
    ),
    "The program does not import the offline engine, the tools or the tests",
  ),
  restricted(
    ["engine/**/*.ts"],
    ["tools", "specs", "test"],
    "The offline engine does not import the tools or the tests",
  ),
  restricted(
    ["specs/**/*.ts"],
    above("facts", "vocabulary", "catalogue", "policies", "engine", "specs"),
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
