// What `typescript` resolves to inside the test files (jest.config.js, moduleNameMapper): nothing.
// The Pulumi SDK requires it when it loads, for serializing JavaScript closures (its
// runtime/closure/parseFunction.js), which no program or tool of this repository does; loading the
// compiler into every test file's module registry cost about a second of CPU per file. Anything
// that does reach for it fails here, by name, instead of running without it.
"use strict";
const unloaded = (what) =>
  new Proxy(
    {},
    {
      get(_target, key) {
        if (key === "__esModule" || typeof key === "symbol") return undefined;
        throw new Error(
          `${what} is not loaded in the tests (test/helpers/unloaded): ${String(key)} was read`,
        );
      },
    },
  );
module.exports = unloaded("typescript");
module.exports.unloaded = unloaded;
