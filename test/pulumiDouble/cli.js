// A scripted `pulumi` CLI: a test double for the failure modes of the real one, never a replacement
// for the offline plan. It answers the commands the Automation API (@pulumi/pulumi 3.248.0,
// automation/localWorkspace.ts and stack.ts) and the tools run, against a self-managed backend
// directory, with the real CLI's exit codes and error texts, each mirrored from pulumi/pulumi's
// source (cited where it is done). README.md in this directory says what it models.
"use strict";
const fs = require("fs");
const path = require("path");
const backend = require("./backend");
const workspace = require("./workspace");
const engine = require("./engine");

const { CliError } = backend;

/** What `pulumi version` prints; automation/cmd.ts parses it with semver (major 3, at least its minimum). */
const VERSION = "v3.248.0";

const BOOLEAN = new Set([
  "yes",
  "skip-preview",
  "diff",
  "refresh",
  "non-interactive",
  "json",
  "show-secrets",
  "plaintext",
  "secret",
  "clear-pending-creates",
  "skip-pending-creates",
  "no-select",
  "create",
  "force",
  "expect-no-changes",
  "preview-only",
  "suppress-outputs",
  "suppress-progress",
  "debug",
  "logtostderr",
  "logflow",
  "target-dependents",
  "exclude-dependents",
  "continue-on-error",
  "path",
]);

/** Cobra-style flags: `--name value`, `--name=value`, repeated flags collected, `--` ends them. */
function parseArgs(argv) {
  const positional = [];
  const flags = {};
  const add = (name, value) => (flags[name] = [...(flags[name] || []), value]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-C") {
      add("cwd", argv[++i]);
      continue;
    }
    if (arg.startsWith("--")) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s);
      if (inline !== undefined) add(name, inline);
      else if (BOOLEAN.has(name)) add(name, "true");
      else add(name, argv[++i]);
    } else positional.push(arg);
  }
  return {
    positional,
    flag: (n) => (flags[n] ? flags[n][flags[n].length - 1] : undefined),
    all: (n) => flags[n] || [],
  };
}

function log(argv) {
  const file = process.env.PULUMI_DOUBLE_LOG;
  if (file) fs.appendFileSync(file, JSON.stringify({ cwd: process.cwd(), argv }) + "\n");
}

async function main(argv) {
  log(argv);
  const args = parseArgs(argv);
  try {
    const code = await dispatch(args);
    process.exitCode = code || 0;
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    // cmdutil.DisplayErrorMessage: "error: <message>" on stderr; the exit code per
    // pkg/cmd/pulumi/cmd/exit_codes.go (1 generic, 2 configuration, 6 stack not found).
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = err.code;
  }
}

async function dispatch(args) {
  const [command, sub] = args.positional;
  // -C/--cwd: run as if started in that directory (pkg/cmd/pulumi/pulumi.go).
  if (args.flag("cwd")) process.chdir(args.flag("cwd"));
  const cwd = process.cwd();
  const current = () => workspace.project(cwd).name;
  const ref = () => {
    const name = args.flag("stack");
    if (!name) throw new CliError("no stack selected; please use `pulumi stack select` to choose one", 6);
    return backend.parseRef(name, current());
  };
  const out = (text) => process.stdout.write(text);
  switch (command) {
    case "version":
      out(`${VERSION}\n`);
      return 0;
    case "whoami":
      out("double\n");
      return 0;
    case "stack":
      return stackCommand(sub, args, cwd, ref, out);
    case "config":
      return configCommand(sub, args, cwd, ref, out);
    case "cancel": {
      const r = args.flag("stack") ? ref() : backend.parseRef(args.positional[1], current());
      backend.cancel(r);
      // pkg/cmd/pulumi/cancel/cancel.go
      out(`The currently running update for '${backend.fq(r)}' has been canceled!\n`);
      return 0;
    }
    case "state":
      if (sub === "move") return stateMove(args, cwd, current(), out);
      throw new CliError(`unknown command "state ${sub}"`, 2);
    case "preview":
    case "up":
    case "refresh":
      return engine.run(command, args, cwd, ref());
    default:
      throw new CliError(`unknown command "${command}" for "pulumi"`, 2);
  }
}

function stackCommand(sub, args, cwd, ref, out) {
  switch (sub) {
    case "select": {
      const r = args.flag("stack")
        ? ref()
        : backend.parseRef(args.positional[2], workspace.project(cwd).name);
      if (backend.exists(r)) return 0;
      // stack_select.go: --create initialises a missing stack (with --secrets-provider).
      if (args.flag("create") === "true") return initStack(r, args, cwd);
      // pkg/backend/diy: a missing stack is "no stack named '<name>' found", which the Automation
      // API classifies as StackNotFoundError (automation/errors.ts).
      throw new CliError(`no stack named '${backend.fq(r)}' found`, 6);
    }
    case "init": {
      const r = backend.parseRef(args.positional[2], workspace.project(cwd).name);
      if (backend.exists(r)) throw new CliError(`stack '${backend.fq(r)}' already exists`);
      return initStack(r, args, cwd);
    }
    case "export": {
      const latest = backend.readCheckpoint(ref()).checkpoint.latest;
      out(JSON.stringify({ version: 3, deployment: latest }, null, 4) + "\n");
      return 0;
    }
    case "import": {
      const file = args.flag("file");
      const imported = JSON.parse(fs.readFileSync(file, "utf8"));
      backend.writeCheckpoint(ref(), imported.deployment);
      return 0;
    }
    case "output": {
      const outputs = backend.outputs(ref());
      out(JSON.stringify(outputs, null, 2) + "\n");
      return 0;
    }
    case "history": {
      // pkg/cmd/pulumi/stack/stack_history.go: newest first; a secret config value shows no value
      // without --show-secrets (buildUpdatesJSON).
      const show = args.flag("show-secrets") === "true";
      const size = Number(args.flag("page-size") || 10);
      const page = Number(args.flag("page") || 1);
      const updates = backend.history(ref()).slice((page - 1) * size, page * size);
      const json = updates.map((u) => ({
        version: u.version,
        kind: u.kind,
        startTime: new Date(u.startTime * 1000).toISOString(),
        message: u.message,
        environment: u.environment,
        config: Object.fromEntries(
          Object.entries(u.config || {}).map(([k, v]) => [
            k,
            v.secret && !show ? { secret: true } : { value: v.value, secret: !!v.secret },
          ]),
        ),
        result: u.result,
        ...(u.result !== "in-progress"
          ? { endTime: new Date(u.endTime * 1000).toISOString(), resourceChanges: u.resourceChanges || {} }
          : {}),
      }));
      out(JSON.stringify(json, null, 4) + "\n");
      return 0;
    }
    default:
      throw new CliError(`unknown command "stack ${sub}"`, 2);
  }
}

/** `pulumi stack init` on a self-managed backend, with the stack's secrets provider. */
function initStack(r, args, cwd) {
  const provider = args.flag("secrets-provider") || "default";
  const doc = workspace.readStackFile(cwd, r);
  if (provider === "default" || provider === "passphrase") {
    // The diy backend's default secrets manager is the passphrase one, which cannot ask for
    // a passphrase non-interactively (pkg/secrets/passphrase/manager.go).
    if (!process.env.PULUMI_CONFIG_PASSPHRASE && !process.env.PULUMI_CONFIG_PASSPHRASE_FILE)
      throw new CliError(
        "passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables",
      );
    doc.encryptionsalt = "v1:c2FsdA==:v1:bm9uY2UxMjM0NTY=:Y2lwaGVydGV4dA==";
  } else {
    // A cloud KMS provider writes its URL and the data key it wrapped (pkg/secrets/cloud/manager.go).
    doc.secretsprovider = provider;
    doc.encryptedkey = Buffer.from(`wrapped-by ${provider}`).toString("base64");
  }
  workspace.writeStackFile(cwd, r, doc);
  backend.writeCheckpoint(r, backend.emptyDeployment(provider === "default" ? "passphrase" : "cloud"));
  return 0;
}

function configCommand(sub, args, cwd, ref, out) {
  const r = ref();
  if (!backend.exists(r)) throw new CliError(`no stack named '${backend.fq(r)}' found`, 6);
  const doc = workspace.readStackFile(cwd, r);
  doc.config = doc.config || {};
  const set = (key, value, secret) => {
    doc.config[workspace.configKey(cwd, key)] = secret
      ? { secure: Buffer.from(value).toString("base64") }
      : value;
  };
  switch (sub) {
    case "get": {
      const key = workspace.configKey(cwd, args.positional[2]);
      const value = workspace.stackConfig(cwd, r)[key];
      if (!value)
        throw new CliError(`configuration key '${args.positional[2]}' not found for stack '${r.name}'`);
      out(JSON.stringify({ value: value.value, secret: value.secret }) + "\n");
      return 0;
    }
    case "set":
      set(args.positional[2], args.positional[3], args.flag("secret") === "true");
      workspace.writeStackFile(cwd, r, doc);
      return 0;
    case "set-all": {
      // set-all takes `--plaintext key=value` / `--secret key=value` pairs (the values follow the flags).
      const argv = process.argv.slice(2);
      for (let i = 0; i < argv.length; i++)
        if (argv[i] === "--plaintext" || argv[i] === "--secret") {
          const [key, value] = argv[i + 1].split(/=(.*)/s);
          set(key, value, argv[i] === "--secret");
          i++;
        }
      workspace.writeStackFile(cwd, r, doc);
      return 0;
    }
    case undefined:
      out(JSON.stringify(workspace.stackConfig(cwd, r)) + "\n");
      return 0;
    default:
      throw new CliError(`unknown command "config ${sub}"`, 2);
  }
}

/**
 * `pulumi state move` (pkg/cmd/pulumi/state/state_move.go): resources leave the source for the root
 * of the destination (their URN takes the destination's stack and project), their provider is
 * copied along; a URN not in the source is a warning, none found is an error, a URN already in
 * the destination is an error; a destination without a secrets manager needs the destination's
 * project directory.
 */
function stateMove(args, cwd, currentProject, out) {
  const source = backend.parseRef(args.flag("source"), currentProject);
  const dest = backend.parseRef(args.flag("dest"), currentProject);
  const urns = args.positional.slice(2);
  const src = backend.readCheckpoint(source).checkpoint.latest;
  if (!backend.exists(dest)) throw new CliError(`no stack named '${backend.fq(dest)}' found`, 6);
  const dst = backend.readCheckpoint(dest).checkpoint.latest;
  if (!(src.resources || []).length) throw new CliError("source stack has no resources");
  if (!dst.secrets_providers && currentProject !== dest.project)
    throw new CliError(
      "destination stack has no secret manager. To move resources either initialize the stack with a secret manager, or run the pulumi state move command from the destination project directory",
    );
  const moving = src.resources.filter((r) => urns.includes(r.urn));
  for (const urn of urns.filter((u) => !moving.some((r) => r.urn === u)))
    out(`warning: Resource ${urn} not found in source stack\n`);
  if (!moving.length)
    throw new CliError(
      `no resources found to move\nRun 'pulumi stack --stack ${backend.fq(source)} --show-urns' to get a list of URNs`,
    );
  dst.resources = dst.resources || [];
  const root = dst.resources.find((r) => r.type === "pulumi:pulumi:Stack") || {
    urn: `urn:pulumi:${dest.name}::${dest.project}::pulumi:pulumi:Stack::${dest.project}-${dest.name}`,
    custom: false,
    type: "pulumi:pulumi:Stack",
  };
  if (!dst.resources.includes(root)) dst.resources.unshift(root);
  for (const r of moving) {
    const name = r.urn.split("::").slice(3).join("::");
    const urn = `urn:pulumi:${dest.name}::${dest.project}::${r.type}::${name}`;
    if (dst.resources.some((d) => d.urn === urn))
      throw new CliError(`resource ${urn} already exists in destination stack`);
    dst.resources.push({ ...r, urn, parent: root.urn, dependencies: [], propertyDependencies: {} });
  }
  src.resources = src.resources.filter((r) => !moving.includes(r));
  backend.writeCheckpoint(dest, dst);
  backend.writeCheckpoint(source, src);
  out(`Successfully moved resources from ${backend.fq(source)} to ${backend.fq(dest)}\n`);
  return 0;
}

module.exports = { main, parseArgs, VERSION };
// Tests read the log of invocations and the backend directly.
module.exports.paths = { bin: path.join(__dirname, "bin", "pulumi") };
