import * as fs from "fs";
import * as path from "path";
import { setTimeout as sleep } from "timers/promises";
import { LEDGER_TABLE_SQL, LedgerLoad } from "./ledgerLoad";
import { Instance, LocalPostgres, query } from "./localPostgres";
import { freePort, waitFor } from "./wait";

export interface RestoreRehearsalOptions {
  /** The region whose primary is backed up (names the instances). */
  region: string;
  /** Restore must be done (recovered, promoted, verified) within this. */
  rtoObjectiveSeconds: number;
  /** Writes before the backup, between backup and target, and after the target. @default 1000 */
  phaseMs?: number;
  /** @default 400 */
  writesPerSecond?: number;
  /** Runs on the finished base backup (tests tamper with it here). */
  afterBackup?: (backupDir: string) => void;
}

export interface RestoreReport {
  region: string;
  backupSeconds: number;
  backupBytes: number;
  /** pg_verifybackup: every file of the backup matches its manifest checksum. */
  backupVerified: boolean;
  targetTime: string;
  restoreSeconds: number;
  rowsExpected: number;
  rowsRestored: number;
  /** Committed before the target but absent after the restore. */
  missingRows: number;
  /** Committed after the target yet present: the restore overshot. */
  unexpectedRows: number;
  /** pg_checksums --check over the restored cluster: no page is corrupt. */
  pageChecksumsVerified: boolean;
  rtoObjectiveSeconds: number;
  passed: boolean;
}

/**
 * Point-in-time restore rehearsal on real PostgreSQL (RES-06), the way Cloud SQL restores: a base
 * backup taken while the ledger is being written, WAL archived continuously, then a new instance
 * recovered to a chosen moment. Passes only if the restored ledger holds exactly the commits
 * acknowledged before that moment, the backup matches its manifest, every page checksum verifies,
 * and it took no longer than the objective.
 */
export async function runRestoreRehearsal(
  pg: LocalPostgres,
  options: RestoreRehearsalOptions,
): Promise<RestoreReport> {
  const phaseMs = options.phaseMs ?? 1000;
  const primary = pg.initPrimary(options.region, await freePort());
  await query(primary, LEDGER_TABLE_SQL);
  const load = new LedgerLoad(primary, { ratePerSecond: options.writesPerSecond });
  load.start();
  try {
    await sleep(phaseMs);
    const backupDir = path.join(pg.workDir, "base-backup");
    const backupStart = performance.now();
    pg.run("pg_basebackup", [
      ...["-h", "127.0.0.1", "-p", String(primary.port), "-U", "postgres"],
      ...["-D", backupDir, "-X", "stream", "-c", "fast", "--manifest-checksums=SHA256"],
    ]);
    const backupSeconds = (performance.now() - backupStart) / 1000;
    options.afterBackup?.(backupDir);
    await sleep(phaseMs);

    // The target falls in a pause of the writes, so every commit is clearly before or after it.
    await load.pause();
    const expected = new Set(load.acked.keys());
    await sleep(100);
    const [{ t }] = await query<{ t: string }>(primary, "SELECT clock_timestamp()::text AS t");
    await sleep(100);
    load.resume();
    await sleep(phaseMs);
    await load.stop();
    await archiveCurrentWal(primary);

    const backupVerified = succeeds(() => pg.run("pg_verifybackup", [backupDir]));
    const restoreStart = performance.now();
    const restored = restoreToTime(pg, backupDir, `${options.region}-restored`, await freePort(), t);
    await waitFor(
      async () =>
        (await query<{ r: boolean }>(restored, "SELECT pg_is_in_recovery() AS r"))[0].r === false ||
        undefined,
      300_000,
      `${restored.name} to reach ${t} and promote`,
    );
    const ids = (await query<{ id: string }>(restored, "SELECT id FROM ledger_entries")).map((r) =>
      Number(r.id),
    );
    const restoreSeconds = (performance.now() - restoreStart) / 1000;
    pg.stop(restored);
    const pageChecksumsVerified = succeeds(() => pg.run("pg_checksums", ["--check", "-D", restored.dataDir]));

    const present = new Set(ids);
    const measured: Omit<RestoreReport, "passed"> = {
      region: options.region,
      backupSeconds,
      backupBytes: directorySize(backupDir),
      backupVerified,
      targetTime: t,
      restoreSeconds,
      rowsExpected: expected.size,
      rowsRestored: present.size,
      missingRows: [...expected].filter((id) => !present.has(id)).length,
      unexpectedRows: ids.filter((id) => !expected.has(id)).length,
      pageChecksumsVerified,
      rtoObjectiveSeconds: options.rtoObjectiveSeconds,
    };
    return { ...measured, passed: restorePassed(measured) };
  } finally {
    await load.stop();
  }
}

/** Backup and pages verified, exactly the expected rows, within the objective. */
export function restorePassed(r: Omit<RestoreReport, "passed">): boolean {
  return (
    r.backupVerified &&
    r.pageChecksumsVerified &&
    r.missingRows === 0 &&
    r.unexpectedRows === 0 &&
    r.rowsExpected > 0 &&
    r.restoreSeconds <= r.rtoObjectiveSeconds
  );
}

/** Closes the current WAL segment and waits until the archiver has stored it. */
export async function archiveCurrentWal(primary: Instance): Promise<void> {
  const [{ segment }] = await query<{ segment: string }>(
    primary,
    "SELECT pg_walfile_name(pg_switch_wal()) AS segment",
  );
  await waitFor(
    async () =>
      (
        await query<{ done: boolean }>(
          primary,
          `SELECT last_archived_wal >= '${segment}' AS done FROM pg_stat_archiver`,
        )
      )[0].done || undefined,
    60_000,
    `WAL segment ${segment} to be archived`,
  );
}

/** A new instance from the base backup, recovering from the archive up to `targetTime`. */
function restoreToTime(
  pg: LocalPostgres,
  backupDir: string,
  name: string,
  port: number,
  targetTime: string,
): Instance {
  const instance = { name, dataDir: path.join(pg.workDir, name), port };
  fs.cpSync(backupDir, instance.dataDir, { recursive: true });
  pg.chownToServer(instance.dataDir);
  fs.writeFileSync(path.join(instance.dataDir, "recovery.signal"), "");
  pg.appendConfig(instance, {
    port: String(port),
    // The restored instance must not archive into the source's archive.
    archive_mode: "off",
    restore_command: `'cp ${pg.archiveDir}/%f %p'`,
    recovery_target_time: `'${targetTime}'`,
    recovery_target_action: "'promote'",
  });
  pg.start(instance);
  return instance;
}

export function succeeds(step: () => unknown): boolean {
  try {
    step();
    return true;
  } catch {
    return false;
  }
}

export function directorySize(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}
