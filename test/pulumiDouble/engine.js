// `preview`, `up` and `refresh` of the scripted `pulumi`: the engine's observable behaviour — its
// event stream, its checkpoint writes, pending operations, locks, history and cancellation.
"use strict";
const fs = require("fs");
const backend = require("./backend");
const workspace = require("./workspace");
const programs = require("./programs");
const { openEventSink } = require("./events");

const { CliError } = backend;

/**
 * Runs one engine operation. The shape of a run, as pkg/backend/diy/backend.go and
 * pkg/resource/deploy/deployment_executor.go have it:
 * - `up` and `refresh` take the stack's lock; `preview` does not (diy `Preview` vs `Update`/`Refresh`);
 * - before each resource operation the step is recorded as pending and the checkpoint rewritten,
 *   and again when it completes (pkg/backend/snapshot.go: every step rewrites the checkpoint);
 * - the first SIGINT/SIGTERM cancels: the steps in flight finish, nothing new starts, the state is
 *   written, "update canceled" is reported and the CLI exits 1; a second one terminates at once,
 *   leaving the lock and any pending operation (pkg/backend/cancellation_scope.go);
 * - `up` with pending operations from an earlier run only warns and goes on
 *   (deployment_executor.go, printPendingOperationsWarning); the new snapshot keeps the pending
 *   creates ("we don't want to clear pending CREATE operations because these must require user
 *   intervention": pkg/backend/snapshot.go, journal.go) and drops the others, and the resource is
 *   created again (a KMS key name is taken: 409).
 */
async function run(kind, args, cwd, ref) {
  // The signal handlers come first, so that a signal during start-up is a cancellation too.
  const state = { cancelled: false };
  const dryRun = kind === "preview";
  let signals = 0;
  const onSignal = (signal) => {
    signals++;
    const name = signal === "SIGTERM" ? "SIGTERM" : "^C";
    if (signals === 1) {
      const again = signal === "SIGTERM" ? "send SIGTERM again" : "press ^C again";
      process.stdout.write(
        `${name} received; cancelling. If you would like to terminate immediately, ${again}.\n` +
          (dryRun
            ? ""
            : "Note that terminating immediately may lead to orphaned resources and other inconsistencies.\n"),
      );
      state.cancelled = true;
    } else {
      process.stdout.write(`${name} received; terminating\n`);
      process.exit(1);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const project = workspace.project(cwd).name;
  if (!backend.exists(ref)) throw new CliError(`no stack named '${backend.fq(ref)}' found`, 6);
  const label = kind === "refresh" ? "refresh" : dryRun ? "preview" : "update";
  const release = dryRun ? () => undefined : backend.lock(ref);
  let sink;
  try {
    sink = await openEventSink(args.flag("event-log"));
  } catch (err) {
    release();
    throw err;
  }
  const started = Math.floor(Date.now() / 1000);
  const config = workspace.stackConfig(cwd, ref);
  const latest = backend.readCheckpoint(ref).checkpoint.latest;
  latest.resources = latest.resources || [];
  let sequence = 0;
  const ctx = {
    kind,
    dryRun,
    ref,
    project,
    cwd,
    args,
    config,
    latest,
    get cancelled() {
      return state.cancelled;
    },
    changes: {},
    emit: (event) => sink.send({ sequence: sequence++, timestamp: Math.floor(Date.now() / 1000), ...event }),
    diag: (severity, message, urn) => {
      ctx.emit({
        diagnosticEvent: { urn, prefix: `${severity}: `, message: `${message}\n`, color: "raw", severity },
      });
      process.stdout.write(`    ${severity}: ${message}\n`);
    },
    save: () => {
      if (!dryRun) backend.writeCheckpoint(ref, latest);
    },
    count: (op) => (ctx.changes[op] = (ctx.changes[op] || 0) + 1),
    applied: (urn, op) => {
      const file = process.env.PULUMI_DOUBLE_LOG;
      if (file) fs.appendFileSync(`${file}.applied`, JSON.stringify({ urn, op }) + "\n");
    },
  };

  ctx.emit({
    preludeEvent: {
      config: Object.fromEntries(
        Object.entries(config).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]),
      ),
    },
  });
  if (kind === "up" && (latest.pending_operations || []).length) {
    const list = latest.pending_operations
      .map((op) => `  * ${op.resource.urn}, interrupted while ${op.type}\n`)
      .join("");
    ctx.diag(
      "warning",
      `Attempting to deploy or update resources with ${latest.pending_operations.length} pending operations from previous deployment.\n${list}` +
        "These resources are in an unknown state because the Pulumi CLI was interrupted while waiting for changes to these resources to complete.",
    );
    latest.pending_operations = latest.pending_operations.filter((op) => op.type === "creating");
  }

  let failed = false;
  try {
    const program = programs.forProject(project);
    if (kind === "refresh") await refresh(ctx, program);
    else failed = !(await program.deploy(ctx));
  } catch (err) {
    if (!(err instanceof CliError)) {
      await sink.close();
      release();
      throw err;
    }
    ctx.diag("error", err.message);
    failed = true;
  }
  if (ctx.cancelled) {
    ctx.diag("error", `${label} canceled`);
    failed = true;
  }
  ctx.save();
  ctx.emit({
    summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: ctx.changes, policyPacks: {} },
  });
  await sink.close();
  if (!dryRun)
    backend.recordHistory(ref, {
      kind: kind === "refresh" ? "refresh" : "update",
      startTime: started,
      endTime: Math.floor(Date.now() / 1000),
      message: "",
      environment: { "exec.kind": String(args.flag("exec-kind") || "cli") },
      config,
      result: failed ? "failed" : "succeeded",
      resourceChanges: ctx.changes,
    });
  release();
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  return failed ? 1 : 0;
}

/**
 * `pulumi refresh` (pkg/cmd/pulumi/operations/refresh.go): first `--import-pending-creates URN ID …`
 * (alternating values of a repeated flag) turns those pending creates into imports of that ID,
 * then `--clear-pending-creates` drops the remaining pending creates; the refresh then reads every
 * resource (and every import) from the provider, drops what no longer exists, and clears the
 * other pending operations; a pending create neither imported nor cleared stays. `--target` limits the reads to those URNs.
 */
async function refresh(ctx, program) {
  const pairs = ctx.args.all("import-pending-creates");
  if (pairs.length % 2 !== 0)
    throw new CliError("each URN must be followed by an ID: found an odd number of entries");
  const ids = new Map();
  for (let i = 0; i < pairs.length; i += 2) ids.set(pairs[i], pairs[i + 1]);
  const pending = ctx.latest.pending_operations || [];
  const imports = [];
  const kept = [];
  for (const op of pending) {
    if (op.type === "creating" && ids.has(op.resource.urn)) {
      imports.push({ ...op.resource, id: ids.get(op.resource.urn) });
      ids.delete(op.resource.urn);
    } else if (op.type === "creating" && ctx.args.flag("clear-pending-creates") !== "true") kept.push(op);
  }
  for (const urn of ids.keys())
    process.stderr.write(`warning: "${urn}" did not correspond to a pending create\n`);
  // Pending creates not imported or cleared stay: non-interactively nothing else resolves them
  // ("`pulumi refresh` will need to be run interactively to clear pending CREATE operations").
  ctx.latest.pending_operations = kept;
  const targets = ctx.args.all("target");
  for (const r of imports)
    ctx.latest.resources.push({ ...r, custom: true, outputs: { ...(r.inputs || {}) } });
  for (const r of [...ctx.latest.resources]) {
    if (!r.custom || (targets.length && !targets.includes(r.urn))) continue;
    if (ctx.cancelled) break;
    const found = await program.read(ctx, r);
    ctx.emit({ resourcePreEvent: { metadata: { op: "refresh", urn: r.urn, type: r.type, provider: "" } } });
    if (!found) {
      ctx.latest.resources = ctx.latest.resources.filter((x) => x !== r);
      ctx.count("delete");
    } else ctx.count("same");
  }
}

module.exports = { run };
// Used by programs.js for its own files.
module.exports.readJson = (file, fallback) =>
  fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : fallback;
