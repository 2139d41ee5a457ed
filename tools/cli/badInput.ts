/**
 * Bad input (exit 2): a usage error, a bad stack configuration, a held lock. Thrown, never exited
 * on, so what the command holds is released on the way out; tools/cli/command.ts prints
 * `error: <message>` without a stack trace.
 */
export class BadInput extends Error {}

/** Ends a run at once with this code (`CommandIO.exitNow` in-process, a benchmark's `--help`). */
export class ExitNow extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
