// What `pulumi preview` and `pulumi up` run (package.json "main"; Pulumi.yaml sets
// `typescript: false`, so the language host registers no ts-node): compile whatever source changed
// since the last build to bin/, then run the compiled program. Stale code cannot run, and a
// preview does not pay for type-checking, which `npm test` does.
"use strict";
const pulumi = require("@pulumi/pulumi");
const { ensureBuilt } = require("./tools/build");

const compiled = ensureBuilt({ quiet: true });
if (compiled) pulumi.log.info(`compiled ${compiled} changed source file(s) to bin/ before running`);
module.exports = require("./bin/index.js");
