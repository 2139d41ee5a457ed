// What every command says when it cannot finish: the exit-code contract's codes 3 and 141 (README,
// "Exit codes"). Exit 1 is a verdict (a mandatory violation, a rehearsal error, a failed drill); a
// crash must never look like one, or CI reads a bug in the tool as a finding in the stack.
// tools/cli/command.ts decides the code and writes the words.
import * as fs from "fs";
import { SourceMap } from "module";
import * as path from "path";

/** The command could not finish: an unexpected error, a failing external command, a crash. */
export const EXIT_RUNTIME_ERROR = 3;
/**
 * Whoever read stdout closed it (`plan | head`): the command stops without a word, with the status
 * a shell reports for a process SIGPIPE ended (128 + 13), as `git log | head` or `yes | head` do.
 */
export const EXIT_BROKEN_PIPE = 141;

/** The repository root: from bin/tools/cli when compiled (tools/launch.js), tools/cli from source (tests). */
const ROOT = ((up2) => (path.basename(up2) === "bin" ? path.dirname(up2) : up2))(
  path.resolve(__dirname, "..", ".."),
);

/** `--verbose` anywhere on the command line, or DEBUG set to anything but "" / "0" / "false". */
export function verboseRequested(
  argv: readonly string[] = process.argv,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const debug = (env.DEBUG ?? "").trim().toLowerCase();
  return argv.includes("--verbose") || (debug !== "" && debug !== "0" && debug !== "false");
}

/** A write to a pipe whose reader has gone. */
export function isBrokenPipe(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === "EPIPE" || code === "ERR_STREAM_DESTROYED";
}

/**
 * The TypeScript source position of a compiled position: tools/build.js compiles <path>.ts to
 * bin/<path>.js with a source map beside it, so the map gives the line and the path the file.
 */
function sourcePosition(file: string, line: number, column: number): string {
  const bin = path.join(ROOT, "bin") + path.sep;
  if (file.startsWith(bin) && file.endsWith(".js")) {
    try {
      const map = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, "utf8")));
      const entry = map.findEntry(line - 1, column - 1) as { originalLine?: number; originalColumn?: number };
      if (entry.originalLine !== undefined) {
        const source = file.slice(bin.length).replace(/\.js$/, ".ts");
        return `${source}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
      }
    } catch {
      // No map beside it: the compiled position is the best there is.
    }
  }
  return `${path.relative(ROOT, file)}:${line}:${column}`;
}

/**
 * Where the error was thrown, as `file:line:column` of the project's own source when a frame is in
 * it (the first such frame), else the first frame at all; a SyntaxError's own position first.
 */
export function crashLocation(err: unknown): string | undefined {
  const stack = err instanceof Error ? (err.stack ?? "") : "";
  // V8 starts a SyntaxError raised while compiling a module with "<file>:<line>".
  const syntax = /^(\/[^\n:]+):(\d+)\n/.exec(stack);
  if (syntax) return sourcePosition(syntax[1], Number(syntax[2]), 1);
  const frames = [...stack.matchAll(/^\s+at (?:.*\()?(\/[^():]+):(\d+):(\d+)\)?$/gm)].map((m) => ({
    file: m[1],
    line: Number(m[2]),
    column: Number(m[3]),
  }));
  const own = frames.find((f) => f.file.startsWith(ROOT + path.sep) && !f.file.includes("node_modules"));
  const frame = own ?? frames[0];
  return frame && sourcePosition(frame.file, frame.line, frame.column);
}

/** The message with its causes (`fetch failed` says nothing without `cause`). */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const message = e instanceof Error ? e.message || e.name : String(e);
    if (!parts.includes(message)) parts.push(message);
    e = e instanceof Error ? (e as Error & { cause?: unknown }).cause : undefined;
  }
  return parts.join(": ");
}

/** What a crash prints: the error, where it was thrown, and the stack trace when asked for. */
export function crashReport(
  command: string,
  err: unknown,
  argv: readonly string[] = process.argv,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const where = crashLocation(err);
  let text = `${command} failed: ${describeError(err)}\n`;
  if (where) text += `  at ${where}\n`;
  text += verboseRequested(argv, env)
    ? `${err instanceof Error ? err.stack : String(err)}\n`
    : "  (--verbose or DEBUG=1 prints the stack trace)\n";
  return text;
}
