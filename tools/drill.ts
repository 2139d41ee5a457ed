import * as os from "os";
import * as path from "path";
import {
  EXIT_BAD_INPUT,
  EXIT_OK,
  failInput,
  commandProgram,
  parseArguments,
  positiveNumber,
  verboseOption,
} from "./cli/exitCodes";
import { loadPlatformConfig } from "./cli/stackConfig";
import { acquireRunLock, RunLockError } from "./cli/runLock";
import { DrillMode, DrillRefused, runFailoverDrill } from "./drill/failoverDrill";
import { LocalPostgres, PostgresSetupError } from "./drill/localPostgres";
import { accessTokenSource } from "./keyRotation/accessToken";
import { DeployedProjectError, deployedProjectId } from "./cli/deployedProjects";
import {
  assertVerifiable,
  RESTORE_CLUSTERS,
  RestoreCluster,
  restoreTarget,
  RestoreUnverifiable,
  runCloudSqlRestore,
} from "./drill/cloudSqlRestore";
import { EXIT_INTERRUPTED } from "./cli/interrupted";
import { runImmutableRestore } from "./drill/immutableRestore";
import { renderCloudSqlRestore, renderDrill, renderImmutableRestore, renderRestore } from "./drill/report";
import { runRestoreRehearsal } from "./drill/restoreRehearsal";
import { CliCommand, CommandIO, runIfMain, write } from "./cli/command";

/** Exit code when a drill ran but missed an objective or found the data wrong. */
const EXIT_DRILL_FAILED = 1;
const LOCAL_RTO_SECONDS = 60;
/** A Cloud SQL instance created and a day's export imported: hours, not seconds. */
const CLOUD_RTO_SECONDS = 4 * 3600;
const SOURCES = ["pitr", "immutable-copy"] as const;

const buildProgram = (io: CommandIO) =>
  commandProgram("drill", io)
    .description(
      "Disaster-recovery drills on real PostgreSQL on this machine (RES-06, RES-07, RES-11): a planned switchover, " +
        "an unplanned failover (the primary killed), a point-in-time restore, or a restore from the immutable " +
        "copy with its integrity verified; with --execute, the restore from the immutable copy in Google Cloud. " +
        "Prints RPO, RTO and checks.",
    )
    .argument("<kind>", "switchover | failover | restore")
    .option("--stack <name>", "stack whose regions and objectives to use", "prod")
    .option("--stack-file <path>", "read the configuration from this file instead")
    .option(
      "--rpo-objective <s>",
      "RPO objective (default: the stack's drReplicaLagAlertSeconds)",
      positiveNumber,
    )
    .option(
      "--rto-objective <s>",
      `RTO objective in seconds (default ${LOCAL_RTO_SECONDS}; ${CLOUD_RTO_SECONDS} with --execute)`,
      positiveNumber,
    )
    .option(
      "--max-lag <s>",
      "guard: refuse while the replica lags more (default: the RPO objective)",
      positiveNumber,
    )
    .option("--from <copy>", `restore: what to restore from, ${SOURCES.join(" | ")}`, "pitr")
    .option(
      "--execute",
      "restore --from immutable-copy: restore the newest export in Google Cloud into a scratch instance",
    )
    .option("--cluster <name>", `with --execute: ${Object.keys(RESTORE_CLUSTERS).join(" | ")}`)
    .option("--operator <principal>", "with --execute: your IAM principal, the Data API's database user")
    .option("--keep", "with --execute: keep the scratch instance (the next run deletes it)")
    .option(
      "--project <id>",
      "with --execute: the cluster's project id as deployed (default: the stack's projectIds output for an ephemeral stack, else the configured id)",
    )
    .option("--json", "print JSON instead of text")
    .addOption(verboseOption());

interface Options {
  stack: string;
  stackFile?: string;
  rpoObjective?: number;
  rtoObjective?: number;
  maxLag?: number;
  from: string;
  execute?: boolean;
  cluster?: string;
  operator?: string;
  keep?: boolean;
  project?: string;
  json?: boolean;
}

async function main(argv: readonly string[], io: CommandIO): Promise<number> {
  const program = buildProgram(io);
  const stop = parseArguments(program, argv);
  if (stop !== undefined) return stop;
  const kind = program.args[0];
  if (!["switchover", "failover", "restore"].includes(kind)) {
    failInput(`unknown drill "${kind}": use switchover, failover or restore`);
  }
  const opts = program.opts<Options>();
  if (!(SOURCES as readonly string[]).includes(opts.from))
    failInput(`--from ${opts.from}: use ${SOURCES.join(" or ")}`);
  if (opts.from !== "pitr" && kind !== "restore") failInput(`--from applies to restore, not ${kind}`);
  const immutable = kind === "restore" && opts.from === "immutable-copy";
  const cloudOnly = (["cluster", "operator", "keep", "project"] as const).filter(
    (o) => opts[o] !== undefined,
  );
  if (opts.execute && !immutable) failInput("--execute applies to restore --from immutable-copy");
  if (!opts.execute && cloudOnly.length) failInput(`--${cloudOnly[0]} applies with --execute only`);
  const config = loadPlatformConfig(opts.stack, opts.stackFile);
  const rpoObjective = opts.rpoObjective ?? config.alerting.drReplicaLagSeconds;
  const rtoObjective = opts.rtoObjective ?? (opts.execute ? CLOUD_RTO_SECONDS : LOCAL_RTO_SECONDS);
  if (opts.execute) return restoreInGoogle(opts, config, rtoObjective, io);

  let release: () => void;
  let pg: LocalPostgres;
  try {
    // One drill at a time per machine: drills measure time, and two would disturb each other.
    release = acquireRunLock(path.join(os.tmpdir(), "qairopay-drill"));
  } catch (err) {
    if (err instanceof RunLockError) failInput(err.message);
    throw err;
  }
  try {
    pg = new LocalPostgres();
  } catch (err) {
    release();
    if (err instanceof PostgresSetupError) failInput(err.message);
    throw err;
  }
  // Ctrl-C stops the servers and removes the drill's files before the run ends (exit 130).
  const cleanUpAndExit = () => {
    pg.cleanUp();
    release();
    io.exitNow(EXIT_INTERRUPTED);
  };
  process.once("SIGINT", cleanUpAndExit).once("SIGTERM", cleanUpAndExit);
  try {
    if (immutable) {
      const report = await runImmutableRestore(pg, {
        region: config.secondaryRegion,
        tenants: config.tenants.map((t) => t.id),
        rtoObjectiveSeconds: rtoObjective,
      });
      await write(
        io.stdout,
        opts.json ? JSON.stringify(report, null, 2) + "\n" : renderImmutableRestore(report) + "\n",
      );
      return report.passed ? EXIT_OK : EXIT_DRILL_FAILED;
    }
    if (kind === "restore") {
      const report = await runRestoreRehearsal(pg, {
        region: config.primaryRegion,
        rtoObjectiveSeconds: rtoObjective,
      });
      await write(
        io.stdout,
        opts.json ? JSON.stringify(report, null, 2) + "\n" : renderRestore(report) + "\n",
      );
      return report.passed ? EXIT_OK : EXIT_DRILL_FAILED;
    }
    const report = await runFailoverDrill(pg, {
      mode: kind as DrillMode,
      regions: [config.primaryRegion, config.secondaryRegion],
      rpoObjectiveSeconds: rpoObjective,
      rtoObjectiveSeconds: rtoObjective,
      maxReplicaLagSeconds: opts.maxLag ?? rpoObjective,
    });
    await write(io.stdout, opts.json ? JSON.stringify(report, null, 2) + "\n" : renderDrill(report) + "\n");
    return report.passed ? EXIT_OK : EXIT_DRILL_FAILED;
  } catch (err) {
    if (!(err instanceof DrillRefused)) throw err;
    io.stderr.write(`error: ${err.message}\n`);
    return EXIT_BAD_INPUT;
  } finally {
    process.off("SIGINT", cleanUpAndExit).off("SIGTERM", cleanUpAndExit);
    pg.cleanUp();
    release();
  }
}

/**
 * The restore from the immutable copy in Google Cloud (RES-11): one cluster's newest export into a
 * scratch instance in the copy's region, verified and removed. A held lock, bad input or a cluster
 * whose instances refuse the Data API (card-vault) exits 2; an interrupted run leaves a labelled
 * scratch instance that the next run deletes first.
 */
async function restoreInGoogle(
  opts: Options,
  config: ReturnType<typeof loadPlatformConfig>,
  rtoObjectiveSeconds: number,
  io: CommandIO,
): Promise<number> {
  if (!opts.cluster || !(opts.cluster in RESTORE_CLUSTERS))
    failInput(`--execute needs --cluster ${Object.keys(RESTORE_CLUSTERS).join(" or ")}`);
  if (!opts.operator?.includes("@")) failInput("--execute needs --operator <your IAM principal's email>");
  // Card-vault's instances have no Data API: refused before any lock, call or instance (exit 2).
  try {
    assertVerifiable(opts.cluster as RestoreCluster);
  } catch (err) {
    if (err instanceof RestoreUnverifiable) failInput(err.message);
    throw err;
  }
  let project: string;
  try {
    project =
      opts.project ?? (await deployedProjectId(config, RESTORE_CLUSTERS[opts.cluster as RestoreCluster]));
  } catch (err) {
    if (err instanceof DeployedProjectError) failInput(err.message);
    throw err;
  }
  let release: () => void;
  try {
    release = acquireRunLock(path.join(os.tmpdir(), `qairopay-drill-${config.stack}-${opts.cluster}`));
  } catch (err) {
    if (err instanceof RunLockError) failInput(err.message);
    throw err;
  }
  // Ctrl-C or a CI runner's SIGTERM: the drill stops and its finally removes the scratch instance
  // and the bucket grant (else left behind, the grant letting the project's instances read the copy).
  // Loaded here: it brings the Automation API's command module, which no other drill needs.
  const { trapSignals } = await import("./cli/cancellation");
  const cancellation = trapSignals((line) => io.stderr.write(`${line}\n`), io.exitNow);
  try {
    const report = await runCloudSqlRestore({
      signal: cancellation.signal,
      target: restoreTarget(config, opts.cluster as RestoreCluster, project),
      accessToken: accessTokenSource({ env: io.env }),
      operator: opts.operator as string,
      keep: opts.keep,
      rtoObjectiveSeconds,
      log: (line) => io.stderr.write(`${line}\n`),
    });
    await write(
      io.stdout,
      opts.json ? JSON.stringify(report, null, 2) + "\n" : renderCloudSqlRestore(report) + "\n",
    );
    return report.passed ? EXIT_OK : EXIT_DRILL_FAILED;
  } catch (err) {
    // The DR replica itself refuses the Data API (changed outside the stack): nothing was created.
    if (err instanceof RestoreUnverifiable) {
      failInput(err.message);
    }
    throw err;
  } finally {
    cancellation.dispose();
    release();
  }
}

export const command: CliCommand = { name: "drill", run: main };
runIfMain(module, command);
