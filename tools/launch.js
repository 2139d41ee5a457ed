// Starts a command-line tool from its compiled JavaScript (bin/tools/<name>.js), compiling first
// whatever source changed since the last build: fast starts, never stale code.
"use strict";
const path = require("path");
const { ensureBuilt, OUT } = require("./build");

const [tool, ...rest] = process.argv.slice(2);
if (!tool || !/^[A-Za-z]+$/.test(tool)) {
  process.stderr.write("usage: node tools/launch.js <tool> [arguments]\n");
  process.exit(2);
}
ensureBuilt();
// The tool parses process.argv as if it had been started directly.
process.argv = [process.argv[0], path.join(OUT, "tools", `${tool}.js`), ...rest];
require(path.join(OUT, "tools", `${tool}.js`));
