// The self-managed ("diy") backend of the scripted `pulumi`: a directory named by
// PULUMI_BACKEND_URL=file://<dir>, laid out as pkg/backend/diy/store.go lays out a project-scoped
// backend (.pulumi/stacks/<project>/<stack>.json, .pulumi/history/<project>/<stack>/, and lock
// files under .pulumi/locks/<org>/<project>/<stack>/ as pkg/backend/diy/lock.go writes them).
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");

class CliError extends Error {
  /** @param {string} message what the CLI prints after "error: " @param {number} code its exit code */
  constructor(message, code = 1) {
    super(message);
    this.code = code;
  }
}

function backendDir() {
  const url = process.env.PULUMI_BACKEND_URL || "";
  if (!url.startsWith("file://"))
    throw new CliError("PULUMI_BACKEND_URL must name a file:// backend for the scripted pulumi", 2);
  return url.slice("file://".length);
}

/** A stack reference as the diy backend parses it: `org/project/stack`, `project/stack` or `stack` (the current project). */
function parseRef(text, currentProject) {
  const parts = String(text).split("/");
  if (parts.length === 3) return { org: parts[0], project: parts[1], name: parts[2] };
  if (parts.length === 2) return { org: "organization", project: parts[0], name: parts[1] };
  return { org: "organization", project: currentProject, name: parts[0] };
}
const fq = (ref) => `${ref.org}/${ref.project}/${ref.name}`;

const stacksPath = (ref) => path.join(backendDir(), ".pulumi", "stacks", ref.project, `${ref.name}.json`);
const historyDir = (ref) => path.join(backendDir(), ".pulumi", "history", ref.project, ref.name);
const lockDir = (ref) => path.join(backendDir(), ".pulumi", "locks", ref.org, ref.project, ref.name);

function writeAtomic(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function exists(ref) {
  return fs.existsSync(stacksPath(ref));
}

/** The checkpoint (apitype.VersionedCheckpoint with a CheckpointV3): `latest` is what `stack export` shows. */
function readCheckpoint(ref) {
  if (!exists(ref)) throw new CliError(`no stack named '${fq(ref)}' found`, 6);
  try {
    return JSON.parse(fs.readFileSync(stacksPath(ref), "utf8"));
  } catch (err) {
    // pkg/backend/diy/state.go: `fmt.Errorf("failed to load checkpoint: %w", err)` (a backend
    // that cannot be read: a damaged state file, a bucket that refuses the read).
    throw new CliError(`failed to load checkpoint: ${err.message}`);
  }
}

function writeCheckpoint(ref, latest) {
  writeAtomic(
    stacksPath(ref),
    JSON.stringify({ version: 3, checkpoint: { stack: fq(ref), latest } }, null, 2),
  );
}

function emptyDeployment(secretsProviderType) {
  return {
    manifest: { time: new Date().toISOString(), magic: "", version: "v3.248.0" },
    secrets_providers: { type: secretsProviderType, state: {} },
    resources: [],
  };
}

/** `Lock` of pkg/backend/diy/lock.go: refuses while another lock file exists, with its exact message. */
function lock(ref) {
  const dir = lockDir(ref);
  const others = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
  if (others.length) {
    const lines = [
      `the stack is currently locked by ${others.length} lock(s). Either wait for the other process(es) to end or delete the lock file with \`pulumi cancel\`.`,
      ...others.map((f) => {
        const l = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
        return `  file://${path.join(dir, f)}: created by ${l.username}@${l.hostname} (pid ${l.pid}) at ${l.timestamp}`;
      }),
    ];
    throw new CliError(lines.join("\n"));
  }
  const file = path.join(dir, `${process.pid}-${Date.now()}.json`);
  writeAtomic(
    file,
    JSON.stringify({
      pid: process.pid,
      username: os.userInfo().username,
      hostname: os.hostname(),
      timestamp: new Date().toISOString(),
    }),
  );
  return () => fs.rmSync(file, { force: true });
}

/** `CancelCurrentUpdate` of the diy backend (pkg/backend/diy/backend.go): deletes every lock file of the stack. */
function cancel(ref) {
  fs.rmSync(lockDir(ref), { recursive: true, force: true });
}

/** Appends an update to the stack's history (backend.UpdateInfo), newest last on disk. */
function recordHistory(ref, info) {
  const dir = historyDir(ref);
  const version = (fs.existsSync(dir) ? fs.readdirSync(dir).length : 0) + 1;
  writeAtomic(
    path.join(dir, `${ref.name}-${String(version).padStart(6, "0")}.history.json`),
    JSON.stringify({ ...info, version }),
  );
}

function history(ref) {
  const dir = historyDir(ref);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .sort()
    .reverse()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")));
}

/** The outputs of a stack's root resource, as a stack reference or `stack output` reads them. */
function outputs(ref) {
  const latest = readCheckpoint(ref).checkpoint.latest || {};
  const root = (latest.resources || []).find((r) => r.type === "pulumi:pulumi:Stack");
  return (root && root.outputs) || {};
}

/**
 * Seeds a stack for a test: a checkpoint with these resources (and root outputs), as if it had
 * been deployed. Not a CLI command: tests call it to set the scene.
 */
function seedStack(dir, project, name, { outputs: rootOutputs = {}, resources = [], pending = [] } = {}) {
  const previous = process.env.PULUMI_BACKEND_URL;
  process.env.PULUMI_BACKEND_URL = `file://${dir}`;
  try {
    const ref = { org: "organization", project, name };
    const root = {
      urn: `urn:pulumi:${name}::${project}::pulumi:pulumi:Stack::${project}-${name}`,
      custom: false,
      type: "pulumi:pulumi:Stack",
      outputs: rootOutputs,
    };
    writeCheckpoint(ref, {
      ...emptyDeployment("passphrase"),
      resources: [root, ...resources],
      ...(pending.length ? { pending_operations: pending } : {}),
    });
    recordHistory(ref, {
      kind: "update",
      startTime: Math.floor(Date.now() / 1000),
      endTime: Math.floor(Date.now() / 1000),
      message: "",
      environment: {},
      config: {},
      result: "succeeded",
      resourceChanges: { create: resources.length + 1 },
    });
  } finally {
    process.env.PULUMI_BACKEND_URL = previous;
  }
}

module.exports = {
  CliError,
  parseRef,
  fq,
  exists,
  readCheckpoint,
  writeCheckpoint,
  emptyDeployment,
  lock,
  lockDir,
  cancel,
  recordHistory,
  history,
  outputs,
  seedStack,
};
