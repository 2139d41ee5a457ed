import { Command } from "commander";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { loadStack, readStackFile, StackFileError } from "../harness/stackFile";
import { ConfigError, configFromValues } from "../platform/config/read";
import { ALLOWED_REGIONS, Region } from "../vocabulary/regions";
import { PROJECT_ROOT } from "../platform/paths";
import { Cancellation, EXIT_INTERRUPTED, Interrupted, trapSignals } from "./cli/cancellation";
import {
  EXIT_LOCKED,
  EXIT_MANDATORY_VIOLATION,
  EXIT_OK,
  failInput,
  parseArguments,
  writeOut,
  verboseOption,
} from "./cli/exitCodes";
import { PulumiCliMissing } from "./cli/pulumiCli";
import { setStackConfigValue } from "./cli/stackFileEdit";
import { StackLocked } from "./cli/stackState";
import { jsonChange, renderChangesText, renderRehearsalText } from "./cli/rehearsalReport";
import { acquireRunLock, RunLockError } from "./cli/runLock";
import { automationStack } from "./failover/automation";
import { cloudSqlClient } from "./failover/cloudSql";
import { executeFailover, FailoverRefused, FailoverReport, rollbackFailover } from "./failover/execute";
import { FailoverInputError, FailoverPlan, planFailover, PRIMARY_REGION_KEY } from "./failover/plan";
import { accessTokenSource } from "./keyRotation/accessToken";
import { runCommand } from "./cli/crash";

const program = new Command("failover")
  .description(
    "Fail a stack over to its other region: planned offline by default (checks, the configuration change, the preview guarded against stateful replacement or deletion, the steps); with --execute, carried out through Pulumi's Automation API and the Cloud SQL API.",
  )
  .requiredOption("--stack <name>", "the stack to fail over (reads stacks/Pulumi.<name>.yaml)")
  .option("--stack-file <path>", "read the configuration from this file instead")
  .option("--to <region>", `the region to make primary (${ALLOWED_REGIONS.join(" or ")})`)
  .option("--execute", "carry it out (needs --confirm-stack and --reason); resumes an interrupted run")
  .option("--rollback", "roll back an interrupted failover that has not switched a database yet")
  .option("--confirm-stack <name>", "the stack name again, for --execute and --rollback")
  .option("--reason <text>", "why (an incident or drill reference), recorded in the journal")
  .option("--json", "print JSON")
  .option(
    "--sql-endpoint <url>",
    "Cloud SQL Admin API base URL (an emulator)",
    "https://sqladmin.googleapis.com/v1",
  )
  .option(
    "--monitoring-endpoint <url>",
    "Cloud Monitoring API base URL (an emulator)",
    "https://monitoring.googleapis.com/v3",
  )
  .addOption(verboseOption())
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

interface Options {
  stack: string;
  stackFile?: string;
  to?: string;
  execute?: boolean;
  rollback?: boolean;
  confirmStack?: string;
  reason?: string;
  json?: boolean;
  sqlEndpoint: string;
  monitoringEndpoint: string;
}

const journalFile = (stack: string) => path.join(PROJECT_ROOT, ".failovers", `${stack}.json`);

/** A failover of this stack was started and not finished: its journal has no outcome. */
function unfinished(journal: string): boolean {
  return fs.existsSync(journal) && !JSON.parse(fs.readFileSync(journal, "utf8")).outcome;
}

/** The region an unfinished failover to `to` started from, if there is one. */
function startedFrom(journal: string, to: string | undefined): string | undefined {
  if (!to || !unfinished(journal)) return undefined;
  const prior = JSON.parse(fs.readFileSync(journal, "utf8")) as { from: string; to: string };
  return prior.to === to ? prior.from : undefined;
}

/** Whether git has no uncommitted change to the stack file (outside a git checkout: assumed so). */
function committed(stackFile: string): boolean {
  const status = spawnSync("git", ["status", "--porcelain", "--", stackFile], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
  });
  return status.status !== 0 || status.stdout.trim() === "";
}

function renderPlan(plan: FailoverPlan): string {
  const lines = [`Failover of stack "${plan.stack}": ${plan.from} → ${plan.to}`, "", "Checks:"];
  for (const c of plan.checks) lines.push(`  ${c.passed ? "✔" : "✘"} ${c.check}: ${c.detail}`);
  lines.push("", `Configuration: ${plan.config.key} ${plan.config.from} → ${plan.config.to}`, "", "Steps:");
  plan.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${s}`));
  return (
    lines.join("\n") +
    "\n" +
    renderChangesText(plan.changes) +
    "\n" +
    renderRehearsalText(plan.findings, "Guard")
  );
}

async function main(): Promise<number> {
  const stop = parseArguments(program);
  if (stop !== undefined) return stop;
  const opts = program.opts<Options>();
  if ((opts.execute || opts.rollback) && opts.confirmStack !== opts.stack)
    failInput(`--execute and --rollback need --confirm-stack ${opts.stack}`);
  if (opts.execute && opts.rollback) failInput("--execute and --rollback exclude each other");
  if (opts.execute && !opts.reason?.trim())
    failInput("--execute needs --reason <incident or drill reference>");
  if (!opts.rollback && !opts.to) failInput(`--to <region> is required (${ALLOWED_REGIONS.join(" or ")})`);
  if (opts.to && !(ALLOWED_REGIONS as readonly string[]).includes(opts.to))
    failInput(`--to ${opts.to}: must be one of ${ALLOWED_REGIONS.join(", ")}`);

  let stackConfig;
  let config;
  try {
    stackConfig = opts.stackFile ? readStackFile(opts.stackFile, opts.stack) : loadStack(opts.stack);
    // Resuming: the stack file may already say the target region (the configuration step is done);
    // the failover is still planned from the region it started from.
    const resumed = startedFrom(journalFile(opts.stack), opts.to);
    if (resumed)
      stackConfig = { ...stackConfig, values: { ...stackConfig.values, [PRIMARY_REGION_KEY]: resumed } };
    config = configFromValues(stackConfig.values, opts.stack, stackConfig.secretKeys);
  } catch (err) {
    if (err instanceof StackFileError || err instanceof ConfigError) failInput(err.message);
    throw err;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const journal = journalFile(opts.stack);
  const stackFile = opts.stackFile ?? path.join("stacks", `Pulumi.${opts.stack}.yaml`);
  let release: (() => void) | undefined;
  let cancellation: Cancellation | undefined;
  try {
    if (opts.rollback) {
      if (!unfinished(journal)) {
        log(`refused: nothing to roll back: no failover of stack ${opts.stack} is unfinished (${journal})`);
        return EXIT_MANDATORY_VIOLATION;
      }
      release = acquireRunLock(journal);
      const report = await rollbackFailover(
        {
          setConfig: async (key, value) =>
            setStackConfigValue(path.resolve(PROJECT_ROOT, stackFile), key, value),
        },
        journal,
        PRIMARY_REGION_KEY,
        log,
      );
      await writeOut(
        opts.json
          ? JSON.stringify(report, null, 2) + "\n"
          : `failover ${report.outcome}: ${report.journal}\n`,
      );
      return EXIT_OK;
    }
    const plan = await planFailover(stackConfig, config, opts.to as Region);
    const planPasses = plan.checks.every((c) => c.passed);
    if (!opts.execute) {
      await writeOut(
        opts.json
          ? JSON.stringify({ ...plan, changes: plan.changes.map(jsonChange) }, null, 2) + "\n"
          : renderPlan(plan) + "\n",
      );
      return planPasses ? EXIT_OK : EXIT_MANDATORY_VIOLATION;
    }
    if (!planPasses) {
      await writeOut(renderPlan(plan) + "\n");
      log("refused: the offline plan fails its checks; nothing was changed");
      return EXIT_MANDATORY_VIOLATION;
    }
    release = acquireRunLock(journal);
    if (!unfinished(journal) && !committed(stackFile)) {
      log(
        `refused: ${stackFile} has uncommitted changes; the failover edits it, and the change must be reviewable on its own`,
      );
      return EXIT_MANDATORY_VIOLATION;
    }
    cancellation = trapSignals(log);
    const report: FailoverReport = await executeFailover({
      plan,
      reason: opts.reason as string,
      stack: await automationStack(opts.stack),
      sql: cloudSqlClient({
        accessToken: accessTokenSource(),
        sqlAdmin: opts.sqlEndpoint,
        monitoring: opts.monitoringEndpoint,
      }),
      journalFile: journal,
      maxLagSeconds: config.alerting.drReplicaLagSeconds,
      log,
      signal: cancellation.signal,
    });
    await writeOut(
      opts.json
        ? JSON.stringify(report, null, 2) + "\n"
        : `failover ${report.outcome} (${report.journal})` +
            renderRehearsalText(report.findings, "Guard") +
            "\n",
    );
    if (report.outcome === "completed")
      log(
        `${stackFile} now says primaryRegion: ${plan.to}: commit it, or the next deployment from git moves the roles back`,
      );
    return report.outcome === "completed" ? EXIT_OK : EXIT_MANDATORY_VIOLATION;
  } catch (err) {
    if (err instanceof FailoverInputError || err instanceof RunLockError || err instanceof PulumiCliMissing)
      failInput(err.message);
    if (err instanceof Interrupted || cancellation?.reason) {
      log(
        `interrupted: ${(err as Error).message}. The journal ${journal} records what is done: run the same command again to continue.`,
      );
      return EXIT_INTERRUPTED;
    }
    if (err instanceof StackLocked) {
      log(`refused: ${err.message}`);
      return EXIT_LOCKED;
    }
    if (err instanceof FailoverRefused) {
      log(`refused: ${err.message}`);
      return EXIT_MANDATORY_VIOLATION;
    }
    throw err;
  } finally {
    cancellation?.dispose();
    release?.();
  }
}

runCommand("failover", main);
