// What `@npmcli/arborist` resolves to inside the test files (jest.config.js, moduleNameMapper): the
// Pulumi SDK requires it when it loads, for finding the packages a serialized closure needs
// (runtime/closure/codePaths.js), which no program or tool of this repository does. An ES module
// as far as the SDK's __importStar can tell, so it is not copied, and reading its one export fails
// by name (typescript.js here says why).
"use strict";
Object.defineProperty(module.exports, "__esModule", { value: true });
Object.defineProperty(module.exports, "Arborist", {
  enumerable: true,
  get() {
    throw new Error("@npmcli/arborist is not loaded in the tests (test/helpers/unloaded): Arborist was read");
  },
});
