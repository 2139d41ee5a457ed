import { freePort, waitFor } from "./wait";
import { setTimeout as sleep } from "timers/promises";
import {
  checkDatabaseAccess,
  DatabaseAccessReport,
  migrateDatabase,
  pgauditSettings,
} from "./databaseAccess";
import { LEDGER_TABLE_SQL, LedgerLoad } from "./ledgerLoad";
import { Instance, LocalPostgres, query } from "./localPostgres";

export type DrillMode = "switchover" | "failover";

export interface FailoverDrillOptions {
  /** switchover: planned, writes fenced and the replica caught up first (RPO 0 expected);
   *  failover: the primary's region is lost outright (its postmaster killed). */
  mode: DrillMode;
  /** The primary's region first, the DR replica's second. */
  regions: readonly [string, string];
  rpoObjectiveSeconds: number;
  rtoObjectiveSeconds: number;
  /** Guard: refuse to start while the replica lags by more than this. */
  maxReplicaLagSeconds: number;
  /** Writes before the drill starts. @default 1500 */
  warmupMs?: number;
  /** @default 400 */
  writesPerSecond?: number;
  /** Runs after the pair is built, before the guards (tests use it to make a guard refuse). */
  beforeGuards?: (primary: Instance, replica: Instance) => Promise<void>;
  /** Runs after the guards passed, just before the switch (tests cut replication here). */
  beforeSwitch?: (primary: Instance, replica: Instance) => Promise<void>;
}

export interface DrillReport {
  mode: DrillMode;
  from: string;
  to: string;
  guards: string[];
  /** Acknowledged commits missing on the new primary, and the window of acknowledgements they span
   *  up to the primary's last one (or the failure, if later). */
  rpo: { lostCommits: number; seconds: number; objectiveSeconds: number };
  /** From the failure (or the fence) to the first commit acknowledged by the new primary. */
  rto: { seconds: number; objectiveSeconds: number };
  /** Rows on the new primary that no client sent: must be none. */
  phantomRows: number;
  committedDuringDrill: number;
  /** The former primary, rewound and streaming from the new one: redundancy is back. */
  reprotectSeconds: number;
  /**
   * The database side on the new primary: the workload's IAM role (created on the old primary,
   * replicated) signs in and works, and the migration's drift check finds nothing.
   */
  databaseAccess: DatabaseAccessReport;
  passed: boolean;
}

/** A guard refused the drill; nothing was changed. */
export class DrillRefused extends Error {
  constructor(public readonly reasons: string[]) {
    super(`drill refused: ${reasons.join("; ")}`);
    this.name = "DrillRefused";
  }
}

/**
 * A failover drill on real PostgreSQL: a primary and its streaming DR replica under a ledger write
 * load; guards; the switch (planned or a killed primary); RPO and RTO measured from what clients
 * saw acknowledged; then the former primary is rewound into a replica of the new one, ready for
 * the drill back. The steps mirror docs/failover.md with Cloud SQL's operations played locally.
 */
export async function runFailoverDrill(
  pg: LocalPostgres,
  options: FailoverDrillOptions,
): Promise<DrillReport> {
  const [fromRegion, toRegion] = options.regions;
  const primary = pg.initPrimary(fromRegion, await freePort(), pgauditSettings(pg.binDir));
  await query(primary, LEDGER_TABLE_SQL);
  const replica = pg.createReplica(primary, toRegion, await freePort());
  // After the replica exists: the users and grants reach it by replication, as on Cloud SQL.
  await migrateDatabase(primary);
  const load = new LedgerLoad(primary, { ratePerSecond: options.writesPerSecond });
  load.start();
  try {
    await sleep(options.warmupMs ?? 1500);
    await options.beforeGuards?.(primary, replica);
    const guards = await checkGuards(primary, replica, options.maxReplicaLagSeconds);
    await options.beforeSwitch?.(primary, replica);

    const failedAt = performance.now();
    if (options.mode === "switchover") await fenceAndDrain(pg, primary, replica);
    else pg.kill(primary);
    pg.promote(replica);
    load.retarget(replica);
    const firstAck = await waitFor(
      () => load.firstAckOn(replica, failedAt),
      120_000,
      "a commit on the new primary",
    );
    await sleep(500);
    await load.stop();

    const present = new Set(
      (await query<{ id: string }>(replica, "SELECT id FROM ledger_entries")).map((r) => Number(r.id)),
    );
    const lost = [...load.acked].filter(([id]) => !present.has(id));
    const phantomRows = [...present].filter((id) => !load.sent.has(id)).length;
    const oldestLost = Math.min(...lost.map(([, ack]) => ack.at));
    // Acknowledgements already on the wire when the primary died arrive after `failedAt`: the
    // loss window ends at whichever is later.
    const lossEnd = Math.max(failedAt, load.lastAckOn(primary));

    const reprotectStart = performance.now();
    // pg_rewind reads the source's timeline from its control file, which a just-promoted server
    // updates only at its next checkpoint; without one it wrongly finds nothing to rewind.
    await query(replica, "CHECKPOINT");
    pg.rejoinAsReplica(primary, replica);
    pg.appendConfig(primary, { default_transaction_read_only: "off" });
    await waitFor(
      async () =>
        (
          await query<{ n: number }>(
            replica,
            "SELECT count(*)::int AS n FROM pg_stat_replication WHERE state = 'streaming'",
          )
        )[0].n > 0 || undefined,
      60_000,
      "the former primary streaming from the new one",
    );
    const databaseAccess = await checkDatabaseAccess(replica);
    const measured: Omit<DrillReport, "passed"> = {
      mode: options.mode,
      from: fromRegion,
      to: toRegion,
      guards,
      rpo: {
        lostCommits: lost.length,
        seconds: lost.length ? (lossEnd - oldestLost) / 1000 : 0,
        objectiveSeconds: options.rpoObjectiveSeconds,
      },
      rto: { seconds: (firstAck - failedAt) / 1000, objectiveSeconds: options.rtoObjectiveSeconds },
      phantomRows,
      committedDuringDrill: load.acked.size,
      reprotectSeconds: (performance.now() - reprotectStart) / 1000,
      databaseAccess,
    };
    return { ...measured, passed: drillPassed(measured) };
  } finally {
    await load.stop();
  }
}

/** Objectives met, no phantom rows, a planned switchover lost nothing, the database side intact. */
export function drillPassed(r: Omit<DrillReport, "passed">): boolean {
  return (
    r.databaseAccess.workloadWorks &&
    r.databaseAccess.drift.length === 0 &&
    r.rpo.seconds <= r.rpo.objectiveSeconds &&
    r.rto.seconds <= r.rto.objectiveSeconds &&
    r.phantomRows === 0 &&
    (r.mode === "failover" || r.rpo.lostCommits === 0)
  );
}

/** Pre-flight: roles as expected, the replica streaming and close behind. Read-only. */
async function checkGuards(primary: Instance, replica: Instance, maxLagSeconds: number): Promise<string[]> {
  const problems: string[] = [];
  const passed: string[] = [];
  const [source] = await query<{ r: boolean }>(primary, "SELECT pg_is_in_recovery() AS r");
  if (source.r) problems.push(`${primary.name} is not a primary`);
  else passed.push(`${primary.name} is the primary`);
  const [target] = await query<{ r: boolean; status: string | null }>(
    replica,
    "SELECT pg_is_in_recovery() AS r, (SELECT status FROM pg_stat_wal_receiver) AS status",
  );
  if (!target.r || target.status !== "streaming") {
    problems.push(`${replica.name} is not a streaming replica (wal receiver: ${target.status ?? "none"})`);
  } else passed.push(`${replica.name} is a streaming replica`);
  // Replay lag as the replica sees it: how old its last replayed commit is while commits flow.
  // clock_timestamp(), not now(): now() is the transaction's start, which a commit replayed a moment
  // later is younger than (a negative lag, printed "-0.00 s").
  const [lag] = await query<{ s: number | null }>(
    replica,
    "SELECT greatest(0, extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()))::float8 AS s",
  );
  const lagSeconds = lag.s ?? Infinity;
  if (lagSeconds > maxLagSeconds) {
    problems.push(`${replica.name} replay lag ${lagSeconds.toFixed(1)} s exceeds ${maxLagSeconds} s`);
  } else passed.push(`${replica.name} replay lag ${lagSeconds.toFixed(2)} s <= ${maxLagSeconds} s`);
  if (problems.length) throw new DrillRefused(problems);
  return passed;
}

/**
 * Planned switchover: stop writes on the primary, shut it down cleanly (the WAL sender ships
 * everything, its shutdown checkpoint included, before it exits), and wait until the replica has
 * replayed up to that checkpoint. Nothing acknowledged can be lost, and the former primary can
 * follow the new one without discarding anything.
 */
async function fenceAndDrain(pg: LocalPostgres, primary: Instance, replica: Instance): Promise<void> {
  await query(primary, "ALTER SYSTEM SET default_transaction_read_only = on");
  await query(primary, "SELECT pg_reload_conf()");
  await query(
    primary,
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
  );
  pg.stop(primary);
  const lsn = /Latest checkpoint location:\s+(\S+)/.exec(
    pg.run("pg_controldata", ["-D", primary.dataDir]),
  )?.[1];
  if (!lsn) throw new Error(`pg_controldata shows no checkpoint for ${primary.name}`);
  await waitFor(
    async () =>
      (await query<{ ok: boolean }>(replica, `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS ok`))[0]
        .ok || undefined,
    60_000,
    `${replica.name} replaying up to ${lsn}`,
  );
}
