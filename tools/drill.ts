import { Command } from "commander";
import * as os from "os";
import * as path from "path";
import {
  EXIT_BAD_INPUT,
  EXIT_OK,
  failInput,
  parseArguments,
  positiveNumber,
  writeOut,
} from "./cli/exitCodes";
import { loadPlatformConfig } from "./cli/stackConfig";
import { acquireRunLock, RunLockError } from "./cli/runLock";
import { DrillMode, DrillRefused, runFailoverDrill } from "./drill/failoverDrill";
import { LocalPostgres, PostgresSetupError } from "./drill/localPostgres";
import { renderDrill, renderRestore } from "./drill/report";
import { runRestoreRehearsal } from "./drill/restoreRehearsal";

/** Exit code when a drill ran but missed an objective or found the data wrong. */
const EXIT_DRILL_FAILED = 1;

const program = new Command("drill")
  .description(
    "Disaster-recovery drills on real PostgreSQL on this machine (RES-06, RES-07): a planned switchover, " +
      "an unplanned failover (the primary killed), or a point-in-time restore. Prints RPO, RTO and checks.",
  )
  .argument("<kind>", "switchover | failover | restore")
  .option("--stack <name>", "stack whose regions and objectives to use", "prod")
  .option("--stack-file <path>", "read the configuration from this file instead")
  .option(
    "--rpo-objective <s>",
    "RPO objective (default: the stack's drReplicaLagAlertSeconds)",
    positiveNumber,
  )
  .option("--rto-objective <s>", "RTO objective in seconds", positiveNumber, 60)
  .option(
    "--max-lag <s>",
    "guard: refuse while the replica lags more (default: the RPO objective)",
    positiveNumber,
  )
  .option("--json", "print JSON instead of text")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

interface Options {
  stack: string;
  stackFile?: string;
  rpoObjective?: number;
  rtoObjective: number;
  maxLag?: number;
  json?: boolean;
}

async function main(): Promise<number> {
  const stop = parseArguments(program);
  if (stop !== undefined) return stop;
  const kind = program.args[0];
  if (!["switchover", "failover", "restore"].includes(kind)) {
    failInput(`unknown drill "${kind}": use switchover, failover or restore`);
  }
  const opts = program.opts<Options>();
  const config = loadPlatformConfig(opts.stack, opts.stackFile);
  const rpoObjective = opts.rpoObjective ?? config.alerting.drReplicaLagSeconds;

  let release: () => void;
  let pg: LocalPostgres;
  try {
    // One drill at a time per machine: drills measure time, and two would disturb each other.
    release = acquireRunLock(path.join(os.tmpdir(), "qairopay-drill"));
    pg = new LocalPostgres();
  } catch (err) {
    if (err instanceof RunLockError || err instanceof PostgresSetupError) failInput(err.message);
    throw err;
  }
  const cleanUpAndExit = () => {
    pg.cleanUp();
    release();
    process.exit(130);
  };
  process.once("SIGINT", cleanUpAndExit).once("SIGTERM", cleanUpAndExit);
  try {
    if (kind === "restore") {
      const report = await runRestoreRehearsal(pg, {
        region: config.primaryRegion,
        rtoObjectiveSeconds: opts.rtoObjective,
      });
      await writeOut(opts.json ? JSON.stringify(report, null, 2) + "\n" : renderRestore(report) + "\n");
      return report.passed ? EXIT_OK : EXIT_DRILL_FAILED;
    }
    const report = await runFailoverDrill(pg, {
      mode: kind as DrillMode,
      regions: [config.primaryRegion, config.secondaryRegion],
      rpoObjectiveSeconds: rpoObjective,
      rtoObjectiveSeconds: opts.rtoObjective,
      maxReplicaLagSeconds: opts.maxLag ?? rpoObjective,
    });
    await writeOut(opts.json ? JSON.stringify(report, null, 2) + "\n" : renderDrill(report) + "\n");
    return report.passed ? EXIT_OK : EXIT_DRILL_FAILED;
  } catch (err) {
    if (!(err instanceof DrillRefused)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    return EXIT_BAD_INPUT;
  } finally {
    pg.cleanUp();
    release();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`drill failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(3);
  },
);
