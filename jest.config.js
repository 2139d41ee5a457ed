// Transpile-only ts-jest (tsconfig has isolatedModules): the types are checked once by `tsc --noEmit`.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // test/: the suites; harness/: each rule's specification beside it (`<rule>.spec.ts`).
  roots: ["<rootDir>/test", "<rootDir>/harness"],
  testMatch: ["**/*.test.ts", "**/*.spec.ts"],
  globalSetup: "<rootDir>/test/globalSetup.js",
  globalTeardown: "<rootDir>/test/globalTeardown.js",
  reporters: ["default", "<rootDir>/test/summaryReporter.js"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 60000,
  // Two workers on the two cores: 35 s instead of 47 s for the suite (measured).
  maxWorkers: 2,
  // Pulumi keeps its runtime store on `global`; Jest must not tear it down between files.
  testEnvironmentOptions: { globalsCleanup: "off" },
};
