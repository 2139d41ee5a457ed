import {
  describePolicyConfiguration,
  PolicyConfigError,
  readPolicyConfig,
  stackPolicyConfigFile,
} from "../engine/policyConfig";
import { isMandatory } from "../engine/policyEvaluator";
import { evaluateStackPolicies, REPORTED_PACKS } from "../engine/stackPolicies";
import { stackOfUrn } from "../engine/model";
import { DeploymentError, readDeployment } from "../engine/readDeployment";
import {
  EXIT_MANDATORY_VIOLATION,
  commandProgram,
  parseArguments,
  EXIT_OK,
  failInput,
  formatOption,
  verboseOption,
} from "./cli/exitCodes";
import { renderMarkdown, renderVerdictText, renderViolationsText } from "./cli/report";
import { CliCommand, CommandIO, runIfMain, write } from "./cli/command";

const buildProgram = (io: CommandIO) =>
  commandProgram("policy", io)
    .description(
      "Run the policy packs on a Pulumi deployment export (`pulumi stack export` or `plan --export-state`).",
    )
    .requiredOption("--state <file>", "the deployment export to audit")
    .option(
      "--stack <name>",
      "the stack the export must belong to (its URNs' stack); its policy configuration is used. CI pins it: the export may come from an untrusted pull request",
    )
    .option("--json", "print JSON: { violations, policyConfiguration } (same as --format json)")
    .option(
      "--policy-config <file>",
      "policy configuration (pulumi --policy-pack-config format; default: policies/config/<stack>.json of the export's stack, when present)",
    )
    .addOption(formatOption())
    .addOption(verboseOption());

async function main(argv: readonly string[], io: CommandIO): Promise<number> {
  const program = buildProgram(io);
  const stop = parseArguments(program, argv);
  if (stop !== undefined) return stop;
  const opts = program.opts<{
    state: string;
    stack?: string;
    json?: boolean;
    format: string;
    policyConfig?: string;
  }>();
  const format = opts.json ? "json" : opts.format;
  let resources;
  let overrides = {};
  let policyConfig: string | undefined;
  try {
    resources = readDeployment(opts.state);
    // As `plan` does: the export's own stack (from its URNs) brings its policy configuration.
    const stack = stackOfUrn(resources[0]?.urn);
    if (opts.stack !== undefined && stack !== undefined && stack !== opts.stack)
      failInput(
        `${opts.state} is an export of stack "${stack}", not of --stack ${opts.stack}: refusing to judge it under either stack's policy configuration`,
      );
    const judgedAs = opts.stack ?? stack;
    policyConfig = opts.policyConfig ?? (judgedAs ? stackPolicyConfigFile(judgedAs) : undefined);
    if (policyConfig) overrides = readPolicyConfig(policyConfig);
  } catch (err) {
    if (err instanceof DeploymentError || err instanceof PolicyConfigError) failInput(err.message);
    throw err;
  }
  const violations = await evaluateStackPolicies(resources, overrides);
  const policyConfiguration = describePolicyConfiguration(policyConfig, overrides);
  const packNames = REPORTED_PACKS;
  if (format === "json")
    await write(io.stdout, JSON.stringify({ violations, policyConfiguration }, null, 2) + "\n");
  else if (format === "markdown")
    await write(
      io.stdout,
      renderMarkdown(
        `Policy audit of \`${opts.state}\``,
        violations,
        packNames,
        undefined,
        policyConfiguration,
      ) + "\n",
    );
  else
    await write(
      io.stdout,
      renderVerdictText(`policy audit of ${opts.state}`, violations, resources) +
        renderViolationsText(violations, packNames, policyConfiguration) +
        "\n",
    );
  return violations.some(isMandatory) ? EXIT_MANDATORY_VIOLATION : EXIT_OK;
}

export const command: CliCommand = { name: "policy", run: main };
runIfMain(module, command);
