import { ConfigFlip, FlipInputError, parseFlips } from "../engine/flip/configFlip";
import { rehearseFlip } from "../engine/flip/rehearseFlip";
import { loadStack, readStackFile, StackFileError } from "../engine/stackFile";
import { PROJECT_NAME } from "../platform/config/keys";
import { ConfigError } from "../platform/config/read";
import { CommandIO, write } from "./cli/command";
import { EXIT_MANDATORY_VIOLATION, EXIT_OK, failInput } from "./cli/exitCodes";
import {
  hasRehearsalError,
  jsonChange,
  renderChangesMarkdown,
  renderChangesText,
  renderRehearsalMarkdown,
  renderRehearsalText,
} from "./cli/rehearsalReport";

export interface FlipOptions {
  stack: string;
  stackFile?: string;
  flip: string[];
  deployer?: string;
  format: string;
}

const shown = (f: ConfigFlip) => `${f.key}: ${f.from || '""'} → ${f.to || '""'}`;

/**
 * `rehearse --stack S --flip KEY=VALUE…`: the stack planned as it is and with the values changed,
 * the change previewed and guarded, every apply rule run on the result (engine/flip). Exit codes as
 * `rehearse`: 0 no error, 1 an error finding, 2 bad input (an unknown key, an unchanged value, or a
 * value the program's own validation refuses).
 */
export async function rehearseFlipCommand(opts: FlipOptions, io: CommandIO): Promise<number> {
  let result;
  try {
    const stackConfig = opts.stackFile ? readStackFile(opts.stackFile, opts.stack) : loadStack(opts.stack);
    const flips = parseFlips(opts.flip, stackConfig);
    result = await rehearseFlip(stackConfig, flips, { deployer: opts.deployer });
  } catch (err) {
    if (err instanceof FlipInputError || err instanceof StackFileError) failInput(err.message);
    if (err instanceof ConfigError)
      failInput(`the flipped configuration is refused by the program:\n${err.message}`);
    throw err;
  }
  const { flips, changes, findings } = result;
  if (opts.format === "json") {
    await write(
      io.stdout,
      JSON.stringify(
        {
          flips: flips.map((f) => ({ key: `${PROJECT_NAME}:${f.key}`, from: f.from, to: f.to })),
          findings,
          changes: changes.map(jsonChange),
        },
        null,
        2,
      ) + "\n",
    );
  } else if (opts.format === "markdown") {
    await write(
      io.stdout,
      `### Configuration flip of stack \`${opts.stack}\`: ${flips.map((f) => `\`${shown(f)}\``).join(", ")}\n\n` +
        renderRehearsalMarkdown(findings) +
        "\n\n" +
        renderChangesMarkdown(changes) +
        "\n",
    );
  } else {
    await write(
      io.stdout,
      `Rehearsed the flip of stack "${opts.stack}": ${flips.map(shown).join(", ")}` +
        renderRehearsalText(findings, "Guard and apply rehearsal of the flipped stack") +
        "\n" +
        renderChangesText(changes) +
        "\n",
    );
  }
  return hasRehearsalError(findings) ? EXIT_MANDATORY_VIOLATION : EXIT_OK;
}
