import * as fs from "fs";
import { toDeployment } from "../engine/deployment";
import {
  describePolicyConfiguration,
  PolicyConfigError,
  readPolicyConfig,
  stackPolicyConfigFile,
} from "../engine/policyConfig";
import { isMandatory } from "../engine/policyEvaluator";
import { evaluateStackPolicies, REPORTED_PACKS } from "../engine/stackPolicies";
import { runOffline } from "../engine/run";
import { loadStack, readStackFile, StackFileError } from "../engine/stackFile";
import { ConfigError } from "../platform/config/read";
import {
  EXIT_MANDATORY_VIOLATION,
  commandProgram,
  parseArguments,
  EXIT_OK,
  failInput,
  formatOption,
  verboseOption,
} from "./cli/exitCodes";
import { rehearseApply } from "../engine/rehearsal/rehearse";
import {
  jsonResource,
  renderInventoryText,
  renderMarkdown,
  renderVerdictText,
  renderViolationsText,
} from "./cli/report";
import {
  declaredPrerequisites,
  hasRehearsalError,
  renderPrerequisitesMarkdown,
  renderPrerequisitesText,
  renderRehearsalMarkdown,
  renderRehearsalText,
} from "./cli/rehearsalReport";
import { CliCommand, CommandIO, runIfMain, write } from "./cli/command";

const buildProgram = (io: CommandIO) =>
  commandProgram("plan", io)
    .description(
      "Offline plan of a stack: what `pulumi up` would create, and the policy report. No cloud credentials needed.",
    )
    .requiredOption("--stack <name>", "stack to plan (reads stacks/Pulumi.<name>.yaml)")
    .option(
      "--stack-file <path>",
      "read the configuration from this file instead of stacks/Pulumi.<stack>.yaml",
    )
    .option(
      "--json",
      "print JSON: { stack, resources, violations, rehearsal, prerequisites, policyConfiguration } (same as --format json)",
    )
    .addOption(formatOption())
    .option("--export-state <file>", "also write the plan as a `pulumi stack export` (version 3) file")
    .option(
      "--policy-config <file>",
      "policy configuration (default: policies/config/<stack>.json when present)",
    )
    .option("--quiet", "text report: the verdict, violations and findings without the inventory")
    .addOption(verboseOption());

async function main(argv: readonly string[], io: CommandIO): Promise<number> {
  const program = buildProgram(io);
  const stop = parseArguments(program, argv);
  if (stop !== undefined) return stop;
  const opts = program.opts<{
    stack: string;
    stackFile?: string;
    json?: boolean;
    format: string;
    exportState?: string;
    policyConfig?: string;
    quiet?: boolean;
  }>();
  const format = opts.json ? "json" : opts.format;

  let run;
  let overrides = {};
  let policyConfig: string | undefined;
  try {
    policyConfig = opts.policyConfig ?? stackPolicyConfigFile(opts.stack);
    if (policyConfig) overrides = readPolicyConfig(policyConfig);
    const stackConfig = opts.stackFile ? readStackFile(opts.stackFile, opts.stack) : loadStack(opts.stack);
    run = await runOffline(stackConfig);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof StackFileError || err instanceof PolicyConfigError)
      failInput(err.message);
    throw err;
  }
  const violations = await evaluateStackPolicies(run.resources, overrides);
  const policyConfiguration = describePolicyConfiguration(policyConfig, overrides);
  const rehearsal = rehearseApply(run.resources);
  const prerequisites = declaredPrerequisites(run.resources);
  if (opts.exportState)
    fs.writeFileSync(opts.exportState, JSON.stringify(toDeployment(run.resources), null, 2) + "\n");

  const packNames = REPORTED_PACKS;
  if (format === "json") {
    await write(
      io.stdout,
      JSON.stringify(
        {
          stack: run.stack,
          resources: run.resources.map(jsonResource),
          violations,
          rehearsal,
          prerequisites,
          policyConfiguration,
        },
        null,
        2,
      ) + "\n",
    );
  } else if (format === "markdown") {
    await write(
      io.stdout,
      renderMarkdown(
        `Offline plan of \`${run.stack}\``,
        violations,
        packNames,
        run.resources,
        policyConfiguration,
      ) +
        "\n\n" +
        renderRehearsalMarkdown(rehearsal) +
        "\n" +
        (prerequisites.length ? renderPrerequisitesMarkdown(prerequisites) + "\n" : ""),
    );
  } else {
    // The verdict first: ~500 lines of inventory used to come before it.
    await write(
      io.stdout,
      renderVerdictText(`offline plan of stack "${run.stack}"`, violations, run.resources, rehearsal) +
        "\n" +
        (opts.quiet ? "" : "\n" + renderInventoryText(run.stack, run.resources) + "\n") +
        renderViolationsText(violations, packNames, policyConfiguration) +
        "\n" +
        renderRehearsalText(rehearsal) +
        renderPrerequisitesText(prerequisites) +
        "\n",
    );
  }
  return violations.some(isMandatory) || hasRehearsalError(rehearsal) ? EXIT_MANDATORY_VIOLATION : EXIT_OK;
}

export const command: CliCommand = { name: "plan", run: main };
runIfMain(module, command);
