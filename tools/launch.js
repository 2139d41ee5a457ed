// Starts a command-line tool from its compiled JavaScript (bin/tools/<name>.js), compiling first
// whatever source changed since the last build: fast starts, never stale code.
// It also holds the exit-code contract (README, "Exit codes") for what happens before a command's
// own code runs: a source that does not compile or a module that throws while it loads exits 3
// with the file and line, never 1 (a verdict); a closed stdout exits 141 without a word.
"use strict";
const fs = require("fs");
const path = require("path");
const { ensureBuilt, OUT } = require("./build");

const EXIT_BAD_INPUT = 2;
const EXIT_RUNTIME_ERROR = 3;

const [tool, ...rest] = process.argv.slice(2);
const entry = tool && path.join(OUT, "tools", `${tool}.js`);
if (!tool || !/^[A-Za-z]+$/.test(tool)) {
  process.stderr.write("usage: node tools/launch.js <tool> [arguments]\n");
  process.exit(EXIT_BAD_INPUT);
}
try {
  ensureBuilt();
} catch (err) {
  // A syntax error in a source: build.js names it as <file>:<line>:<column>.
  process.stderr.write(`${tool} failed: cannot compile ${err instanceof Error ? err.message : err}\n`);
  process.exit(EXIT_RUNTIME_ERROR);
}
if (!fs.existsSync(entry)) {
  process.stderr.write(`error: no tool "${tool}" (bin/tools/${tool}.js); the npm scripts list them\n`);
  process.exit(EXIT_BAD_INPUT);
}
const { installCrashHandlers, reportCrash, runAsProcess } = require(
  path.join(OUT, "tools", "cli", "command.js"),
);
installCrashHandlers(tool);
// A tool that is still a module-level script parses process.argv as if it had been started directly.
process.argv = [process.argv[0], entry, ...rest];
let loaded;
try {
  loaded = require(entry);
} catch (err) {
  reportCrash(tool, err);
}
// A command function (tools/cli/command.ts): run with this process's arguments, streams and exit.
if (loaded && loaded.command) runAsProcess(loaded.command, rest);
