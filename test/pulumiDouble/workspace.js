// The project directory the scripted `pulumi` runs in: Pulumi.yaml (name, stackConfigDir) and the
// stack files `Pulumi.<stack>.yaml` (sdk/go/common/workspace/project.go, ProjectStack).
"use strict";
const fs = require("fs");
const path = require("path");
const YAML = require("yaml");
const { CliError } = require("./backend");

function project(cwd) {
  const file = path.join(cwd, "Pulumi.yaml");
  if (!fs.existsSync(file))
    throw new CliError("no Pulumi.yaml project file found (searching upwards from " + cwd + ")");
  return YAML.parse(fs.readFileSync(file, "utf8"));
}

function stackFile(cwd, ref) {
  return path.join(cwd, project(cwd).stackConfigDir || "", `Pulumi.${ref.name}.yaml`);
}

function readStackFile(cwd, ref) {
  const file = stackFile(cwd, ref);
  return fs.existsSync(file) ? YAML.parse(fs.readFileSync(file, "utf8")) || {} : {};
}

/**
 * Writes the stack file the way the CLI does: the whole document marshalled again, which drops
 * comments and blank lines (pulumi/pulumi#3613; project.go's TODO pulumi/pulumi#423, "use DOM
 * based marshalling so we can roundtrip the serialized structure perfectly").
 */
function writeStackFile(cwd, ref, doc) {
  fs.writeFileSync(stackFile(cwd, ref), YAML.stringify(doc));
}

/** `namespace:key` as the CLI completes a bare key with the project's name (config.ParseKey). */
function configKey(cwd, key) {
  return key.includes(":") ? key : `${project(cwd).name}:${key}`;
}

/** The stack's configuration as the engine hands it to a program: key → string (lists and maps as JSON). */
function stackConfig(cwd, ref) {
  const config = readStackFile(cwd, ref).config || {};
  const out = {};
  for (const [k, v] of Object.entries(config)) {
    if (v && typeof v === "object" && "secure" in v) out[k] = { secret: true, value: v.secure };
    else out[k] = { secret: false, value: typeof v === "string" ? v : JSON.stringify(v) };
  }
  return out;
}

module.exports = { project, stackFile, readStackFile, writeStackFile, configKey, stackConfig };
