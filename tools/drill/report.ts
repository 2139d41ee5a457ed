import { CloudSqlRestoreReport } from "./cloudSqlRestore";
import { DrillReport } from "./failoverDrill";
import { ImmutableRestoreReport } from "./immutableRestore";
import { RestoreReport } from "./restoreRehearsal";

const s = (x: number) => `${x.toFixed(2)} s`;
const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");

export function renderDrill(r: DrillReport): string {
  return [
    `${r.mode} drill ${r.from} → ${r.to}: ${r.passed ? "PASSED" : "FAILED"}`,
    ...r.guards.map((g) => `  guard: ${g}`),
    `  RPO ${s(r.rpo.seconds)} (${r.rpo.lostCommits} acknowledged commits lost) — objective ${s(r.rpo.objectiveSeconds)}: ${verdict(r.rpo.seconds <= r.rpo.objectiveSeconds)}`,
    `  RTO ${s(r.rto.seconds)} to the first commit on ${r.to} — objective ${s(r.rto.objectiveSeconds)}: ${verdict(r.rto.seconds <= r.rto.objectiveSeconds)}`,
    `  ${r.committedDuringDrill} commits during the drill, ${r.phantomRows} phantom rows`,
    `  ${r.from} rewound and streaming from ${r.to} after ${s(r.reprotectSeconds)}`,
    `  database on ${r.to}: the workload's IAM role ${r.databaseAccess.workloadWorks ? "signs in and works" : "CANNOT work"}; drift check: ${r.databaseAccess.drift.length ? r.databaseAccess.drift.join("; ") : "none"}`,
  ].join("\n");
}

export function renderRestore(r: RestoreReport): string {
  return [
    `point-in-time restore rehearsal (${r.region}): ${r.passed ? "PASSED" : "FAILED"}`,
    `  base backup ${(r.backupBytes / 2 ** 20).toFixed(1)} MiB in ${s(r.backupSeconds)}, manifest verified: ${r.backupVerified}`,
    `  restored to ${r.targetTime} in ${s(r.restoreSeconds)} — objective ${s(r.rtoObjectiveSeconds)}`,
    `  rows: ${r.rowsRestored} restored of ${r.rowsExpected} committed before the target; ${r.missingRows} missing, ${r.unexpectedRows} from after it`,
    `  page checksums verified: ${r.pageChecksumsVerified}`,
  ].join("\n");
}

export function renderImmutableRestore(r: ImmutableRestoreReport): string {
  return [
    `restore from the immutable copy (${r.region}): ${r.passed ? "PASSED" : "FAILED"}`,
    `  base backup ${(r.backupBytes / 2 ** 20).toFixed(1)} MiB in ${s(r.backupSeconds)}; ${r.storedFiles} files stored read-only, SHA-256 verified: ${r.storeVerified}, manifest verified: ${r.backupVerified}`,
    `  restored to ${r.targetTime} in ${s(r.restoreSeconds)} — objective ${s(r.rtoObjectiveSeconds)}`,
    `  ${r.rows} rows of ${r.tenants} tenants in ${r.tables} tenant tables; marker function: ${r.markerFunction}, pgaudit: ${r.pgaudit}, page checksums verified: ${r.pageChecksumsVerified}`,
    ...(r.differences.length
      ? r.differences.map((d) => `  DIFFERENT: ${d}`)
      : ["  every tenant's rows and checksums as at the target"]),
  ].join("\n");
}

export function renderCloudSqlRestore(r: CloudSqlRestoreReport): string {
  return [
    `restore of ${r.cluster} from the immutable copy into ${r.project}/${r.scratch} (${r.region}): ${r.passed ? "PASSED" : "FAILED"}`,
    `  ${r.object} (exported ${r.objectCreated}) restored in ${s(r.restoreSeconds)} — objective ${s(r.rtoObjectiveSeconds)}`,
    r.integrityVerified
      ? `  ${r.rows} rows of ${r.tenants} tenants in ${r.tables} tenant tables; marker function: ${r.markerFunction}, pgaudit: ${r.pgaudit}`
      : "  integrity NOT verified",
    ...r.digests.map((d) => `    ${d.table}/${d.tenant}: ${d.rows} rows, md5 ${d.checksum}`),
    ...r.notes.map((n) => `  note: ${n}`),
    `  scratch instance and its bucket access removed: ${r.cleanedUp}`,
  ].join("\n");
}
