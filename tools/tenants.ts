import { Command } from "commander";
import { isMandatory } from "../harness/policyEvaluator";
import { EXIT_MANDATORY_VIOLATION, EXIT_OK, positiveNumber } from "./cli/exitCodes";
import { progress } from "./cli/progress";
import { planAllShards } from "./tenants/planAll";
import { Common, loadInputs } from "./tenants/inputs";
import { platformFacts } from "./tenants/platformFacts";
import type { ShardReport } from "./tenants/planWorker";
import { runUp } from "./tenants/up";
import { runMigrate } from "./tenants/migrate";

const program = new Command("tenants")
  .description(
    "Tenant-key shard stacks (docs/tenant-keys.md): each tenant's KEKs live in one shard stack of at most --limit tenants, " +
      "assigned once and never moved (stacks/tenant-shards.<stack>.json).",
  )
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const common = (cmd: Command) =>
  cmd
    .requiredOption("--stack <name>", "platform stack (reads stacks/Pulumi.<name>.yaml)")
    .option("--stack-file <path>", "read the platform stack's configuration from this file instead")
    .option(
      "--tenants-file <path>",
      "a tenant registry anywhere (relative to the working directory) instead of the stack's",
    )
    .option(
      "--ledger <path>",
      "the shard ledger (default: stacks/tenant-shards.<stack>.json; `plan --tenants-file` starts from none, `up` always continues the stack's)",
    )
    .option("--limit <n>", "tenants per shard (default: the ledger's, else 1000)", positiveNumber)
    .option(
      "--platform-stack <ref>",
      "how the shards reference the platform stack (default: organization/qairopay-platform/<stack>)",
    )
    .option("--json", "print JSON");

common(program.command("plan"))
  .description(
    "plan and check every shard offline (no credentials): each shard's program, policy pack and rehearsal, and every tenant's KEK in every region across the shards",
  )
  .option(
    "--workers <n>",
    "shards planned side by side (default: the machine's cores, at most 4)",
    positiveNumber,
  )
  .action(async (opts: Common & { workers?: number }) => {
    process.exitCode = await plan(opts);
  });

common(program.command("up"))
  .description(
    "create missing shard stacks and update those whose tenants changed, through the Automation API",
  )
  .requiredOption(
    "--confirm-stack <name>",
    "the platform stack name again: a guard against deploying the wrong one",
  )
  .option("--concurrency <n>", "shard stacks updated side by side", positiveNumber, 2)
  .option("--attempts <n>", "tries per shard when Cloud KMS answers 429 (quota)", positiveNumber, 5)
  .option("--resume <journal>", "continue an interrupted run recorded in this journal")
  .option("--journal-dir <dir>", "where run journals are kept", ".tenant-keys")
  .action(async (opts) => {
    process.exitCode = await runUp(opts);
  });

common(program.command("migrate"))
  .description(
    "move the tenant KEKs of a platform stack deployed before the shards into the shard stacks, by `pulumi state move`, rehearsed offline first",
  )
  .requiredOption("--state <export>", "`pulumi stack export` of the platform stack")
  .option("--out <file>", "write the migration script here")
  .action(async (opts) => {
    process.exitCode = await runMigrate(opts);
  });

async function plan(opts: Common & { workers?: number }): Promise<number> {
  const { stackConfig, config, set, reference } = loadInputs(opts);
  const platform = platformFacts(config, stackConfig, reference);
  const bar = progress(`planning ${set.shards.length} shard stacks`, set.shards.length);
  let failed = false;
  const out = process.stdout;
  let first = true;
  if (opts.json) out.write('{\n  "shards": [\n');
  const onReport = async (report: ShardReport) => {
    const mandatory = report.violations.filter(isMandatory).length;
    const errors = report.rehearsal.filter((f) => f.severity === "error").length;
    if (mandatory || errors) failed = true;
    if (opts.json) {
      const entry = {
        stack: report.shard.stack,
        tenants: report.shard.tenants,
        resources: report.resources,
        violations: report.violations,
        rehearsal: report.rehearsal,
      };
      await write(out, `${first ? "" : ",\n"}    ${JSON.stringify(entry)}`);
      first = false;
    } else {
      bar.stop();
      await write(
        out,
        `${report.shard.stack.padEnd(22)} ${String(report.shard.tenants.length).padStart(5)} tenants ${String(report.keks.length).padStart(6)} keys  ${report.violations.length} violations (${mandatory} mandatory)  ${report.rehearsal.length} rehearsal findings (${errors} errors)  ${report.seconds.toFixed(1)} s\n` +
          report.violations
            .map(
              (v) =>
                `    ${v.enforcementLevel.toUpperCase()} ${v.policyName} ${v.urn}\n      ${v.message.split("\n").pop()}\n`,
            )
            .join("") +
          report.rehearsal
            .map((f) => `    ${f.severity.toUpperCase()} ${f.rule} ${f.urn}\n      ${f.message}\n`)
            .join(""),
      );
    }
  };
  const result = await planAllShards(
    platform,
    config.regions,
    set.tenants,
    set.assignment.ledger.limit,
    set.shards,
    { workers: opts.workers, withResources: !!opts.json, onReport, onProgress: (done) => bar.update(done) },
  );
  bar.stop();
  if (result.coverage.length) failed = true;
  const summary = {
    tenants: set.tenants.length,
    shards: result.shards,
    limit: set.assignment.ledger.limit,
    keks: result.keks,
    added: set.assignment.added.length,
    removed: set.assignment.removed,
  };
  if (opts.json) {
    await write(
      out,
      `\n  ],\n  "coverage": ${JSON.stringify(result.coverage)},\n  "summary": ${JSON.stringify(summary)}\n}\n`,
    );
  } else {
    await write(
      out,
      `\n${summary.tenants} tenants in ${summary.shards} shard stacks of at most ${summary.limit}; ${summary.keks} keys; ` +
        `${summary.added} newly assigned, ${summary.removed.length} no longer registered (their keys stay).\n` +
        (result.coverage.length
          ? `Cross-shard check: ${result.coverage.length} problems\n${result.coverage.map((c) => `  ${c.problem}\n`).join("")}`
          : "Cross-shard check: every tenant has a KEK in every serving region, in exactly one shard.\n"),
    );
  }
  return failed ? EXIT_MANDATORY_VIOLATION : EXIT_OK;
}

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(text, (err) => (err ? reject(err) : resolve())));
}

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    // Usage errors commander printed (exit 2), help (0); anything else is a bug and is rethrown.
    const code = parseError(err);
    if (code === undefined) throw err;
    process.exitCode = code;
  }
}

function parseError(err: unknown): number | undefined {
  const code = (err as { code?: string }).code;
  if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help")
    return EXIT_OK;
  if (typeof code === "string" && code.startsWith("commander.")) return 2;
  return undefined;
}

void main();
