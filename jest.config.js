// Transpile-only ts-jest (tsconfig has isolatedModules): the types are checked once by `tsc --noEmit`.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // test/: the suites; engine/: each rule's specification beside it (`<rule>.spec.ts`).
  roots: ["<rootDir>/test", "<rootDir>/engine"],
  testMatch: ["**/*.test.ts", "**/*.spec.ts"],
  globalSetup: "<rootDir>/test/globalSetup.js",
  globalTeardown: "<rootDir>/test/globalTeardown.js",
  reporters: ["default", "<rootDir>/test/summaryReporter.js"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  // The Pulumi SDK loads the TypeScript compiler and npm's Arborist with itself, for serializing
  // closures, which nothing here does: a second of CPU in every test file that loads the SDK. In
  // the tests they resolve to stand-ins that fail by name if anything reads them (test/helpers/unloaded).
  moduleNameMapper: {
    "^typescript$": "<rootDir>/test/helpers/unloaded/typescript.js",
    "^@npmcli/arborist$": "<rootDir>/test/helpers/unloaded/npmcliArborist.js",
  },
  testTimeout: 60000,
  // Two workers on the two cores: 35 s instead of 47 s for the suite (measured).
  maxWorkers: 2,
  // Slowest files first, with or without the times of a previous run (test/sequencer.js).
  testSequencer: "<rootDir>/test/sequencer.js",
  // Pulumi keeps its runtime store on `global`; Jest must not tear it down between files.
  testEnvironmentOptions: { globalsCleanup: "off" },
};
