import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { BadInput, ExitNow } from "./badInput";
import type { CommandIO } from "./command";

export { BadInput } from "./badInput";

/**
 * Exit codes: a public contract of every command (README, "Exit codes"). 1 is a verdict only (a
 * mandatory violation, a rehearsal error, a failed drill or rotation); a crash is 3 and a closed
 * stdout 141 (tools/cli/crash.ts), Ctrl-C 130 (tools/cli/cancellation.ts).
 */
export const EXIT_OK = 0;
export const EXIT_MANDATORY_VIOLATION = 1;
export const EXIT_BAD_INPUT = 2;
/** The operational tools: another update holds a stack's lock; nothing was changed on that stack. */
export const EXIT_LOCKED = 4;

/**
 * Stops the command with bad input: tools/cli/command.ts prints `error: <message>` (no stack trace)
 * and returns the bad-input code, after every `finally` on the way out has run.
 */
export function failInput(message: string): never {
  throw new BadInput(message);
}

/** Writes to stdout and resolves once it is flushed: exiting earlier truncates piped output. */
export function writeOut(text: string, stdout: NodeJS.WritableStream = process.stdout): Promise<void> {
  return new Promise((resolve, reject) => stdout.write(text, (err) => (err ? reject(err) : resolve())));
}

/** A command's commander program, writing its help and usage errors to the command's streams. */
export function commandProgram(name: string, io: CommandIO): Command {
  return new Command(name).exitOverride().configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
  });
}

/**
 * Parses argv with a commander program set to `exitOverride()`. Returns the code to exit with when
 * the CLI must stop here: help or version shown (0) or a usage error commander already printed (2).
 */
export function parseArguments(program: Command, argv?: readonly string[]): number | undefined {
  try {
    if (argv) program.parse(argv as string[], { from: "user" });
    else program.parse(process.argv);
    return undefined;
  } catch (err) {
    const shown = ["commander.helpDisplayed", "commander.version"];
    return err instanceof CommanderError && shown.includes(err.code) ? EXIT_OK : EXIT_BAD_INPUT;
  }
}

/**
 * For a command that parses its arguments as it loads (the benchmarks): help exits 0, a usage
 * error 2, as every command does (commander alone would exit 1, the verdict's code).
 */
export function parseOrStop(program: Command): Command {
  const stop = parseArguments(program.exitOverride());
  if (stop !== undefined) throw new ExitNow(stop);
  return program;
}

/** `--verbose`: the stack trace of a crash (tools/cli/crash.ts reads it, and DEBUG=1, itself). */
export const verboseOption = (): Option =>
  new Option("--verbose", "on an unexpected error (exit 3), print its stack trace (also DEBUG=1)");

/** Commander option parser for a positive number; a bad value is a usage error (exit 2). */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a positive number");
  return n;
}

/** `--format text|json|markdown`, the same on every command that reports. */
export const formatOption = (): Option =>
  new Option("--format <format>", "output format").choices(["text", "json", "markdown"]).default("text");
