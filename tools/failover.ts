import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { loadStack, readStackFile, StackConfig, StackFileError } from "../engine/stackFile";
import { ConfigError, configFromValues } from "../platform/config/read";
import { PlatformConfig } from "../platform/config/types";
import { ALLOWED_REGIONS, Region } from "../vocabulary/regions";
import { PROJECT_ROOT } from "../platform/paths";
import { EXIT_INTERRUPTED, Interrupted, trapSignals } from "./cli/cancellation";
import {
  EXIT_LOCKED,
  EXIT_MANDATORY_VIOLATION,
  EXIT_OK,
  failInput,
  commandProgram,
  parseArguments,
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
import { CliCommand, CommandIO, runIfMain, write } from "./cli/command";

const buildProgram = (io: CommandIO) =>
  commandProgram("failover", io)
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
    .addOption(verboseOption());

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

/** What every mode works from: the parsed options, the stack, its journal and the command's I/O. */
interface Context {
  opts: Options;
  stackConfig: StackConfig;
  config: PlatformConfig;
  journal: string;
  stackFile: string;
  io: CommandIO;
  log: (line: string) => void;
  /** Locks and signal traps the mode took, released whatever happens. */
  cleanUp: (() => void)[];
}

type Mode = "plan" | "execute" | "rollback";

/** The three modes, chosen by the flags the CLI has always taken (--execute, --rollback, neither). */
const MODES: Record<Mode, (ctx: Context) => Promise<number>> = {
  plan: planMode,
  execute: executeMode,
  rollback: rollbackMode,
};

function validate(opts: Options): Mode {
  if ((opts.execute || opts.rollback) && opts.confirmStack !== opts.stack)
    failInput(`--execute and --rollback need --confirm-stack ${opts.stack}`);
  if (opts.execute && opts.rollback) failInput("--execute and --rollback exclude each other");
  if (opts.execute && !opts.reason?.trim())
    failInput("--execute needs --reason <incident or drill reference>");
  if (!opts.rollback && !opts.to) failInput(`--to <region> is required (${ALLOWED_REGIONS.join(" or ")})`);
  if (opts.to && !(ALLOWED_REGIONS as readonly string[]).includes(opts.to))
    failInput(`--to ${opts.to}: must be one of ${ALLOWED_REGIONS.join(", ")}`);
  return opts.rollback ? "rollback" : opts.execute ? "execute" : "plan";
}

function loadConfig(opts: Options): { stackConfig: StackConfig; config: PlatformConfig } {
  try {
    let stackConfig = opts.stackFile ? readStackFile(opts.stackFile, opts.stack) : loadStack(opts.stack);
    // Resuming: the stack file may already say the target region (the configuration step is done);
    // the failover is still planned from the region it started from.
    const resumed = startedFrom(journalFile(opts.stack), opts.to);
    if (resumed)
      stackConfig = { ...stackConfig, values: { ...stackConfig.values, [PRIMARY_REGION_KEY]: resumed } };
    return { stackConfig, config: configFromValues(stackConfig.values, opts.stack, stackConfig.secretKeys) };
  } catch (err) {
    if (err instanceof StackFileError || err instanceof ConfigError) failInput(err.message);
    throw err;
  }
}

async function main(argv: readonly string[], io: CommandIO): Promise<number> {
  const program = buildProgram(io);
  const stop = parseArguments(program, argv);
  if (stop !== undefined) return stop;
  const opts = program.opts<Options>();
  const mode = validate(opts);
  const ctx: Context = {
    opts,
    ...loadConfig(opts),
    journal: journalFile(opts.stack),
    stackFile: opts.stackFile ?? path.join("stacks", `Pulumi.${opts.stack}.yaml`),
    io,
    log: (line: string) => io.stderr.write(`${line}\n`),
    cleanUp: [],
  };
  try {
    return await MODES[mode](ctx);
  } catch (err) {
    return refusal(ctx, err);
  } finally {
    for (const release of ctx.cleanUp.reverse()) release();
  }
}

const isInputError = (err: unknown): err is Error =>
  err instanceof FailoverInputError || err instanceof RunLockError || err instanceof PulumiCliMissing;

/** The exit code of a refusal or an interruption; anything else is rethrown (a crash, exit 3). */
function refusal({ log, journal }: Context, err: unknown): number {
  if (isInputError(err)) failInput(err.message);
  if (err instanceof Interrupted) {
    log(
      `interrupted: ${err.message}. The journal ${journal} records what is done: run the same command again to continue.`,
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
}

/** `--rollback`: undo an interrupted failover that has not switched a database yet. */
async function rollbackMode({ opts, journal, stackFile, io, log, cleanUp }: Context): Promise<number> {
  if (!unfinished(journal)) {
    log(`refused: nothing to roll back: no failover of stack ${opts.stack} is unfinished (${journal})`);
    return EXIT_MANDATORY_VIOLATION;
  }
  cleanUp.push(acquireRunLock(journal));
  const report = await rollbackFailover(
    {
      setConfig: async (key, value) => setStackConfigValue(path.resolve(PROJECT_ROOT, stackFile), key, value),
    },
    journal,
    PRIMARY_REGION_KEY,
    log,
  );
  await write(
    io.stdout,
    opts.json ? JSON.stringify(report, null, 2) + "\n" : `failover ${report.outcome}: ${report.journal}\n`,
  );
  return EXIT_OK;
}

/** The default: the offline plan (checks, configuration change, guarded preview, steps). */
async function planMode({ opts, stackConfig, config, io }: Context): Promise<number> {
  const plan = await planFailover(stackConfig, config, opts.to as Region);
  await write(
    io.stdout,
    opts.json
      ? JSON.stringify({ ...plan, changes: plan.changes.map(jsonChange) }, null, 2) + "\n"
      : renderPlan(plan) + "\n",
  );
  return plan.checks.every((c) => c.passed) ? EXIT_OK : EXIT_MANDATORY_VIOLATION;
}

/** `--execute`: the plan carried out through the Automation API and the Cloud SQL API; resumable. */
async function executeMode(ctx: Context): Promise<number> {
  const { opts, stackConfig, config, journal, stackFile, io, log, cleanUp } = ctx;
  const plan = await planFailover(stackConfig, config, opts.to as Region);
  if (!plan.checks.every((c) => c.passed)) {
    await write(io.stdout, renderPlan(plan) + "\n");
    log("refused: the offline plan fails its checks; nothing was changed");
    return EXIT_MANDATORY_VIOLATION;
  }
  cleanUp.push(acquireRunLock(journal));
  if (!unfinished(journal) && !committed(stackFile)) {
    log(
      `refused: ${stackFile} has uncommitted changes; the failover edits it, and the change must be reviewable on its own`,
    );
    return EXIT_MANDATORY_VIOLATION;
  }
  const cancellation = trapSignals(log, io.exitNow);
  cleanUp.push(() => cancellation.dispose());
  let report: FailoverReport;
  try {
    report = await executeFailover({
      plan,
      reason: opts.reason as string,
      stack: await automationStack(opts.stack),
      sql: cloudSqlClient({
        accessToken: accessTokenSource({ env: io.env }),
        sqlAdmin: opts.sqlEndpoint,
        monitoring: opts.monitoringEndpoint,
      }),
      journalFile: journal,
      maxLagSeconds: config.alerting.drReplicaLagSeconds,
      log,
      signal: cancellation.signal,
    });
  } catch (err) {
    // Whatever a cancelled run threw, it was the signal: the journal says how far it got.
    if (cancellation.reason && !(err instanceof Interrupted) && !isInputError(err))
      throw new Interrupted((err as Error).message);
    throw err;
  }
  await write(
    io.stdout,
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
}

export const command: CliCommand = { name: "failover", run: main };
runIfMain(module, command);
