import { CapturedResource } from "../engine/model";
import { ResourceChange } from "../engine/preview/diff";
import { rehearseDestroy } from "../engine/preview/destroy";
import { previewAgainst } from "../engine/preview/preview";
import { DeploymentError, readDeployment } from "../engine/readDeployment";
import { RehearsalFinding, rehearseApply } from "../engine/rehearsal/rehearse";
import { runOffline } from "../engine/run";
import { rehearseFlipCommand } from "./rehearseFlip";
import { loadStack, readStackFile, StackFileError } from "../engine/stackFile";
import { ConfigError } from "../platform/config/read";
import {
  EXIT_MANDATORY_VIOLATION,
  EXIT_OK,
  failInput,
  formatOption,
  commandProgram,
  parseArguments,
  verboseOption,
} from "./cli/exitCodes";
import {
  declaredPrerequisites,
  hasRehearsalError,
  jsonChange,
  renderChangesMarkdown,
  renderChangesText,
  renderFindingsSummaryText,
  renderPrerequisitesMarkdown,
  renderPrerequisitesText,
  renderRehearsalMarkdown,
  renderRehearsalText,
} from "./cli/rehearsalReport";
import { resourceCount } from "./cli/report";
import { CliCommand, CommandIO, runIfMain, write } from "./cli/command";

const buildProgram = (io: CommandIO) =>
  commandProgram("rehearse", io)
    .description(
      "Apply rehearsal: replays a stack's resources in the order `pulumi up` would create them against Google Cloud's apply-time rules; with --against, the offline `pulumi preview --diff` against what is deployed; with --destroy, `pulumi destroy` and the rebuild after it. No cloud credentials needed.",
    )
    .option("--stack <name>", "rehearse the offline plan of this stack (reads stacks/Pulumi.<name>.yaml)")
    .option("--stack-file <path>", "with --stack: read the configuration from this file")
    .option("--state <file>", "rehearse a `pulumi stack export` (or `plan --export-state`) file instead")
    .option("--against <file>", "the deployed state (`pulumi stack export`): preview the changes against it")
    .option("--destroy", "rehearse `pulumi destroy` of the stack, and the rebuild that follows it")
    .option(
      "--flip <key=value>",
      "with --stack: rehearse a configuration change (repeatable): the stack planned with the value changed, previewed against its current plan and rehearsed (docs/rehearsal.md)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      "--deployer <member>",
      "the IAM member that runs `pulumi up` (default: the stack's deployerPrincipal config or output)",
    )
    .option(
      "--json",
      'print JSON: { "findings": [ { rule, urn, severity, message } ], "changes"?: [ { urn, op, fields } ], "prerequisites": [ { id, what, verify } ] }',
    )
    .addOption(formatOption())
    .addOption(verboseOption());

interface Options {
  stack?: string;
  stackFile?: string;
  state?: string;
  against?: string;
  destroy?: boolean;
  flip: string[];
  deployer?: string;
  json?: boolean;
  format: string;
}

function validate(opts: Options): void {
  if (!opts.stack === !opts.state) failInput("give exactly one of --stack <name> or --state <file>");
  if (opts.stackFile && !opts.stack) failInput("--stack-file goes with --stack");
  if (opts.against && opts.destroy) failInput("--against and --destroy are separate rehearsals: give one");
  if (opts.flip.length && !opts.stack)
    failInput("--flip goes with --stack: it plans the stack with the value changed");
  if (opts.flip.length && (opts.against || opts.destroy))
    failInput("--flip is a rehearsal of its own: give it without --against or --destroy");
  if (opts.deployer && !/^(serviceAccount|group|user):\S+@\S+$/.test(opts.deployer))
    failInput(
      `--deployer ${opts.deployer}: must be an IAM member serviceAccount:EMAIL, group:EMAIL or user:EMAIL`,
    );
}

async function load(
  opts: Options,
): Promise<{ resources: CapturedResource[]; deployed?: CapturedResource[] }> {
  try {
    const deployed = opts.against ? readDeployment(opts.against) : undefined;
    if (opts.state) return { resources: readDeployment(opts.state), deployed };
    const stack = opts.stack as string;
    const stackConfig = opts.stackFile ? readStackFile(opts.stackFile, stack) : loadStack(stack);
    // Against a deployed stack, generated values (a staging generation suffix) are the deployed ones.
    return { resources: (await runOffline(stackConfig, undefined, deployed ?? [])).resources, deployed };
  } catch (err) {
    if (err instanceof ConfigError || err instanceof StackFileError || err instanceof DeploymentError)
      failInput(err.message);
    throw err;
  }
}

async function main(argv: readonly string[], io: CommandIO): Promise<number> {
  const program = buildProgram(io);
  const stop = parseArguments(program, argv);
  if (stop !== undefined) return stop;
  const opts = program.opts<Options>();
  validate(opts);
  const format = opts.json ? "json" : opts.format;
  if (opts.flip.length) return rehearseFlipCommand({ ...opts, stack: opts.stack as string, format }, io);
  const { resources, deployed } = await load(opts);
  const facts = { deployer: opts.deployer };
  let findings: RehearsalFinding[];
  let changes: ResourceChange[] | undefined;
  if (deployed) ({ findings, changes } = previewAgainst(deployed, resources, facts));
  else if (opts.destroy) ({ findings, changes } = rehearseDestroy(resources, facts));
  else findings = rehearseApply(resources, facts);

  const subject = opts.state ?? `stack "${opts.stack}"`;
  const prerequisites = declaredPrerequisites(resources);
  if (format === "json") {
    const out = changes
      ? { findings, changes: changes.map(jsonChange), prerequisites }
      : { findings, prerequisites };
    await write(io.stdout, JSON.stringify(out, null, 2) + "\n");
  } else if (format === "markdown") {
    // The verdict (the guard's and the rehearsal's findings) first, the changes after it.
    await write(
      io.stdout,
      renderRehearsalMarkdown(findings) +
        "\n" +
        (changes ? renderChangesMarkdown(changes) + "\n" : "") +
        (prerequisites.length ? renderPrerequisitesMarkdown(prerequisites) + "\n" : ""),
    );
  } else {
    const what = deployed
      ? `Previewed ${subject} against ${opts.against}`
      : opts.destroy
        ? `Rehearsed destroying ${subject}`
        : `Rehearsed ${subject}: ${resourceCount(resources)}`;
    const title = deployed
      ? "Guard and apply rehearsal of the changes"
      : opts.destroy
        ? "Destroy rehearsal (`pulumi destroy`, then the next `pulumi up`)"
        : undefined;
    await write(
      io.stdout,
      what +
        (opts.destroy ? renderFindingsSummaryText(findings) + "\n" : "") +
        (changes ? renderChangesText(changes, opts.destroy ? "pulumi destroy" : "pulumi up") + "\n" : "") +
        renderRehearsalText(findings, title) +
        renderPrerequisitesText(prerequisites) +
        "\n",
    );
  }
  return hasRehearsalError(findings) ? EXIT_MANDATORY_VIOLATION : EXIT_OK;
}

export const command: CliCommand = { name: "rehearse", run: main };
runIfMain(module, command);
