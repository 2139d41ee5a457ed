import { Command, Option } from "commander";
import { CapturedResource } from "../harness/model";
import { DeploymentError, readDeployment } from "../harness/readDeployment";
import { rehearseApply } from "../harness/rehearsal/rehearse";
import { runOffline } from "../harness/run";
import { loadStack, readStackFile, StackFileError } from "../harness/stackFile";
import { ConfigError } from "../platform/config/read";
import { EXIT_MANDATORY_VIOLATION, EXIT_OK, failInput, parseArguments, writeOut } from "./cli/exitCodes";
import { hasRehearsalError, renderRehearsalMarkdown, renderRehearsalText } from "./cli/rehearsalReport";

const program = new Command("rehearse")
  .description(
    "Apply rehearsal: replays a stack's resources in the order `pulumi up` would create them against Google Cloud's apply-time rules. No cloud credentials needed.",
  )
  .option("--stack <name>", "rehearse the offline plan of this stack (reads stacks/Pulumi.<name>.yaml)")
  .option("--stack-file <path>", "with --stack: read the configuration from this file")
  .option("--state <file>", "rehearse a `pulumi stack export` (or `plan --export-state`) file instead")
  .option(
    "--deployer <member>",
    "the IAM member that runs `pulumi up` (default: the stack's deployerPrincipal config or output)",
  )
  .option("--json", 'print JSON: { "findings": [ { rule, urn, severity, message } ] }')
  .addOption(
    new Option("--format <format>", "output format").choices(["text", "json", "markdown"]).default("text"),
  )
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

async function main(): Promise<number> {
  const stop = parseArguments(program);
  if (stop !== undefined) return stop;
  const opts = program.opts<{
    stack?: string;
    stackFile?: string;
    state?: string;
    deployer?: string;
    json?: boolean;
    format: string;
  }>();
  if (!opts.stack === !opts.state) failInput("give exactly one of --stack <name> or --state <file>");
  if (opts.stackFile && !opts.stack) failInput("--stack-file goes with --stack");
  if (opts.deployer && !/^(serviceAccount|group|user):\S+@\S+$/.test(opts.deployer))
    failInput(
      `--deployer ${opts.deployer}: must be an IAM member serviceAccount:EMAIL, group:EMAIL or user:EMAIL`,
    );

  let resources: CapturedResource[];
  try {
    if (opts.state) resources = readDeployment(opts.state);
    else {
      const stack = opts.stack as string;
      const stackConfig = opts.stackFile ? readStackFile(opts.stackFile, stack) : loadStack(stack);
      resources = (await runOffline(stackConfig)).resources;
    }
  } catch (err) {
    if (err instanceof ConfigError || err instanceof StackFileError || err instanceof DeploymentError)
      failInput(err.message);
    throw err;
  }
  const findings = rehearseApply(resources, { deployer: opts.deployer });
  const format = opts.json ? "json" : opts.format;
  if (format === "json") await writeOut(JSON.stringify({ findings }, null, 2) + "\n");
  else if (format === "markdown") await writeOut(renderRehearsalMarkdown(findings) + "\n");
  else
    await writeOut(
      `Rehearsed ${resources.length} resources of ${opts.state ?? `stack "${opts.stack}"`}` +
        renderRehearsalText(findings) +
        "\n",
    );
  return hasRehearsalError(findings) ? EXIT_MANDATORY_VIOLATION : EXIT_OK;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`rehearse failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(3);
  },
);
