// What `pulumi up` runs for a CI identities stack: compile any changed source to bin/
// (tools/build.js), then run the compiled program.
"use strict";
const pulumi = require("@pulumi/pulumi");
const { ensureBuilt } = require("../tools/build");

const compiled = ensureBuilt({ quiet: true });
if (compiled) pulumi.log.info(`compiled ${compiled} changed source file(s) to bin/ before running`);
module.exports = require("../bin/ciIdentities/index.js");
