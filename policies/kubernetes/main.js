// Entry point of this pack for `pulumi preview --policy-pack policies/kubernetes` (package.json "main").
// The analyzer runner type-checks a TypeScript pack at every start (@pulumi/pulumi
// cmd/run-policy-pack registers ts-node with typeCheck: true, whatever the environment says), so
// the pack runs from bin/, compiled first from whatever source changed (tools/build.js).
"use strict";
require("../../tools/build").ensureBuilt({ quiet: true });
require("../../bin/policies/kubernetes/index.js");
