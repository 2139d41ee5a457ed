// A command-line tool as a function: `run(argv, io)` resolves to its exit code and writes only to
// the streams it is given, so tests call it in-process and tools/launch.js runs it as a process.
// The exit-code contract (README, "Exit codes") for what a command does not return itself — bad
// input 2, a crash 3 naming the file and line, Ctrl-C 130, a closed stdout 141 — is decided here,
// once, for both.
import { BadInput, ExitNow } from "./badInput";
import * as fs from "fs";
import { crashReport, EXIT_BROKEN_PIPE, EXIT_RUNTIME_ERROR, isBrokenPipe } from "./crashReport";
import { EXIT_INTERRUPTED, Interrupted } from "./interrupted";

import { EXIT_BAD_INPUT } from "./exitCodes";

export { ExitNow } from "./badInput";

/** What a command reads and writes besides its files: given, never taken from `process`. */
export interface CommandIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** The environment the command reads (credentials, emulator endpoints, DEBUG). */
  readonly env: NodeJS.ProcessEnv;
  /**
   * Ends the run at once with this code, for what cannot wait for the command to return: a third
   * Ctrl-C, a drill's servers stopped on SIGINT. A process exits; an in-process run throws.
   */
  readonly exitNow: (code: number) => never;
}

export interface CliCommand {
  /** The name it reports under (`plan failed: …`). */
  readonly name: string;
  /** Parses `argv` (the arguments after the command's name) and runs; resolves to the exit code. */
  run(argv: readonly string[], io: CommandIO): Promise<number>;
}

/** The I/O of the process the command runs in (tools/launch.js). */
export function processIO(): CommandIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    exitNow: (code) => process.exit(code),
  };
}

/** Writes to a stream and resolves once it is flushed: exiting earlier truncates piped output. */
export function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(text, (err) => (err ? reject(err) : resolve())));
}

/** The exit code and the words for an error a command threw, per the exit-code contract. */
export function failure(name: string, err: unknown, argv: readonly string[], env: NodeJS.ProcessEnv) {
  if (err instanceof ExitNow) return { code: err.code, text: "" };
  if (isBrokenPipe(err)) return { code: EXIT_BROKEN_PIPE, text: "" };
  if (err instanceof BadInput) return { code: EXIT_BAD_INPUT, text: `error: ${err.message}\n` };
  // A run a signal stopped after cleaning up is not a crash: 130, whoever let it through.
  if (err instanceof Interrupted) return { code: EXIT_INTERRUPTED, text: `${name}: ${err.message}\n` };
  return { code: EXIT_RUNTIME_ERROR, text: crashReport(name, err, argv, env) };
}

/** Runs a command with the given I/O; whatever it throws becomes its exit code and message. */
export async function invoke(command: CliCommand, argv: readonly string[], io: CommandIO): Promise<number> {
  try {
    return await command.run(argv, io);
  } catch (err) {
    const { code, text } = failure(command.name, err, argv, io.env);
    if (text) {
      try {
        await write(io.stderr, text);
      } catch {
        // stderr is gone too: the exit code still says it.
      }
    }
    return code;
  }
}

// The process side: tools/launch.js runs a command here, and only here does a command's process exit.

function writeStderr(text: string): void {
  try {
    fs.writeSync(2, text);
  } catch {
    // stderr is gone too: the exit code still says it.
  }
}

/** Says what failed and where (the stack only when asked for) and exits with the contract's code. */
export function reportCrash(command: string, err: unknown): never {
  const { code, text } = failure(command, err, process.argv, process.env);
  if (text) writeStderr(text);
  process.exit(code);
}

let installed = false;
let current = "command";

/**
 * Routes every error nobody handled to reportCrash, and a closed stdout or stderr to a quiet exit
 * 141. Idempotent: tools/launch.js installs it before loading a command, the command again
 * with its own name.
 */
export function installCrashHandlers(command: string): void {
  current = command;
  if (installed) return;
  installed = true;
  const onError = (err: unknown) => reportCrash(current, err);
  process.stdout.on("error", onError);
  process.stderr.on("error", onError);
  process.on("uncaughtException", onError);
  process.on("unhandledRejection", onError);
}

/** Runs a command as this process: its arguments, its streams, its exit code. */
export function runAsProcess(command: CliCommand, argv: readonly string[]): void {
  installCrashHandlers(command.name);
  void invoke(command, argv, processIO()).then((code) => process.exit(code));
}

/** For the tools that are still module-level scripts (they read process.argv themselves). */
export function runCommand(name: string, main: () => Promise<number>): void {
  runAsProcess({ name, run: () => main() }, process.argv.slice(2));
}

/**
 * A command's compiled file started directly (`node bin/tools/failover.js`, as the failover tests
 * and a CI step may do) runs it as tools/launch.js would; required by the launcher or a test, it
 * only defines it.
 */
export function runIfMain(commandModule: NodeModule, command: CliCommand): void {
  if (require.main === commandModule) runAsProcess(command, process.argv.slice(2));
}
