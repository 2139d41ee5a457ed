// Entry point of this pack for `pulumi preview --policy-pack policies/ci-identities` (package.json
// "main"): compile whatever source changed (tools/build.js), then run the pack from bin/.
"use strict";
require("../../tools/build").ensureBuilt({ quiet: true });
require("../../bin/policies/ci-identities/index.js");
