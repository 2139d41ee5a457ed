import { DrillReport } from "./failoverDrill";
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
