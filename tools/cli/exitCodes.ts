/** Exit codes of `plan` and `policy`: a public contract of the CLI. */
export const EXIT_OK = 0;
export const EXIT_MANDATORY_VIOLATION = 1;
export const EXIT_BAD_INPUT = 2;

/** Prints a clear message (no stack trace) and exits with the bad-input code. */
export function failInput(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(EXIT_BAD_INPUT);
}

/** Writes to stdout and resolves once it is flushed: exiting earlier truncates piped output. */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(text, (err) => (err ? reject(err) : resolve())),
  );
}
