import * as fs from "fs";
import * as path from "path";
import { Command } from "commander";
import { PROJECT_ROOT } from "../../platform/paths";
import { runCommand } from "./command";
import { EXIT_MANDATORY_VIOLATION, EXIT_OK, parseArguments, verboseOption } from "./exitCodes";

/**
 * The `gen:*` commands: write a generated file, or with --check say whether the committed one is
 * current (exit 1 when stale, for CI), as a lockfile is checked. `render` gets the file's current
 * text (a generated section inside a hand-written page keeps the rest).
 */
export function runGenerator(
  script: string,
  file: string,
  what: string,
  render: (current: string) => string,
): void {
  runCommand(script, async () => {
    const program = new Command(script)
      .description(`Writes ${path.relative(PROJECT_ROOT, file)}: ${what}.`)
      .option("--check", "write nothing; exit 1 if the file is not what this command would write (CI)")
      .addOption(verboseOption())
      .exitOverride();
    const stop = parseArguments(program);
    if (stop !== undefined) return stop;
    const opts = program.opts<{ check?: boolean }>();
    const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    const next = render(current);
    const name = path.relative(PROJECT_ROOT, file);
    if (opts.check) {
      if (next === current) {
        process.stdout.write(`${name} is up to date\n`);
        return EXIT_OK;
      }
      process.stderr.write(`${name} is stale: run \`npm run -s ${script}\` and commit it\n`);
      return EXIT_MANDATORY_VIOLATION;
    }
    if (next !== current) fs.writeFileSync(file, next);
    process.stdout.write(`${name} ${next === current ? "was already up to date" : "written"}\n`);
    return EXIT_OK;
  });
}
