import { ResourceChange } from "./diff";
import { GuardRule } from "./proposedUpdate";

export const LOGGING_BUCKET = "gcp:logging/projectBucketConfig:ProjectBucketConfig";
const LOG_BUCKET_LOCKED =
  'LogBucket.locked, https://cloud.google.com/logging/docs/reference/v2/rest/v2/billingAccounts.locations.buckets: "The retention period on a locked bucket cannot be changed. Locked buckets may only be deleted if they are empty."';

interface Retention {
  locked: boolean;
  /** The values a lock freezes, by field; each may only grow once locked (`grows`), or never change. */
  values: Record<string, number>;
  grows: boolean;
  source: string;
}

/**
 * Retention policies that a lock makes irreversible (RES-10). Cloud Storage: "You cannot remove the
 * retention policy from the bucket. You cannot decrease the retention period", and a locked bucket is
 * deleted only when every object is past its retention (https://cloud.google.com/storage/docs/json_api/v1/buckets/lockRetentionPolicy).
 * Backup for GKE: "If set to True, no further update is allowed on this policy, including the locked
 * field itself" (magic-modules mmv1/products/gkebackup/BackupPlan.yaml, retentionPolicy.locked).
 */
export const LOCKED_RETENTION: Record<string, (inputs: Record<string, unknown>) => Retention> = {
  "gcp:storage/bucket:Bucket": (i) => {
    const r = (i.retentionPolicy ?? {}) as { isLocked?: boolean; retentionPeriod?: string };
    return {
      locked: r.isLocked === true,
      values: { retentionPeriod: Number(r.retentionPeriod ?? 0) },
      grows: true,
      source: "https://cloud.google.com/storage/docs/json_api/v1/buckets/lockRetentionPolicy",
    };
  },
  "gcp:gkebackup/backupPlan:BackupPlan": (i) => {
    const r = (i.retentionPolicy ?? {}) as {
      locked?: boolean;
      backupDeleteLockDays?: number;
      backupRetainDays?: number;
    };
    return {
      locked: r.locked === true,
      values: {
        backupDeleteLockDays: r.backupDeleteLockDays ?? 0,
        backupRetainDays: r.backupRetainDays ?? 0,
      },
      grows: false,
      source: "magic-modules mmv1/products/gkebackup/BackupPlan.yaml (retentionPolicy.locked)",
    };
  },
};

export const lockedBucket: GuardRule = {
  id: "locked-bucket",
  severity: "error",
  description:
    "A locked log bucket would be deleted, replaced, or have its retention or lock changed, which Cloud Logging refuses.",
  sources: [LOG_BUCKET_LOCKED],
  check(update, report) {
    for (const c of update.changes) {
      if (c.type !== LOGGING_BUCKET || c.oldInputs?.locked !== true) continue;
      const touched = c.fields.filter((f) => f === "retentionDays" || f === "locked");
      if (c.op === "delete" || c.op === "replace" || touched.length)
        report.error(
          "locked-bucket",
          c,
          `is a locked log bucket ("The retention period on a locked bucket cannot be changed. Locked buckets may only be deleted if they are empty.": LogBucket.locked, https://cloud.google.com/logging/docs/reference/v2/rest/v2/billingAccounts.locations.buckets); ${c.op === "update" ? `${touched.join(", ")} would change` : `it would be ${c.op}d`}.`,
        );
    }
  },
};

/**
 * A locked retention policy may not be removed, shortened or (Backup for GKE) changed at all, and
 * its resource may not be deleted or replaced; locking is irreversible, so it freezes only values
 * already deployed and observed — a lock in the same update that changes them is refused too.
 */
export function retentionProblem(c: ResourceChange): string | undefined {
  const read = LOCKED_RETENTION[c.type];
  if (!read || !c.oldInputs) return undefined;
  const before = read(c.oldInputs);
  if (before.locked) {
    if (c.op === "delete" || c.op === "replace")
      return `its retention is locked: it would be ${c.op}d while it holds backups nobody may delete yet (${before.source}).`;
    const after = c.newInputs ? read(c.newInputs) : undefined;
    if (!after) return undefined;
    const changed = Object.keys(before.values).filter((k) =>
      before.grows ? after.values[k] < before.values[k] : after.values[k] !== before.values[k],
    );
    if (!after.locked || changed.length)
      return `its retention is locked (${before.source}); ${!after.locked ? "the lock would be removed" : `${changed.join(", ")} would ${before.grows ? "shrink" : "change"}`}, which Google refuses.`;
    return undefined;
  }
  const after = c.newInputs ? read(c.newInputs) : undefined;
  if (c.op === "update" && after?.locked) {
    const changed = Object.keys(after.values).filter((k) => after.values[k] !== before.values[k]);
    if (changed.length)
      return `it would be locked in the same update that changes ${changed.join(", ")}: a lock is irreversible, so lock only a retention already deployed and observed (one \`up\` to set it, the next to lock it).`;
  }
  return undefined;
}

export const lockedRetention: GuardRule = {
  id: "locked-retention",
  severity: "error",
  description:
    "A locked retention (a bucket's Bucket Lock, Backup for GKE's locked retention policy) would be removed, shortened or, for Backup for GKE, changed at all, or its resource deleted or replaced, which Google refuses.",
  sources: [
    'https://cloud.google.com/storage/docs/json_api/v1/buckets/lockRetentionPolicy: "You cannot remove the retention policy from the bucket. You cannot decrease the retention period"',
    'magic-modules mmv1/products/gkebackup/BackupPlan.yaml, retentionPolicy.locked: "If set to True, no further update is allowed on this policy, including the locked field itself"',
  ],
  check(update, report) {
    for (const c of update.changes) {
      const problem = retentionProblem(c);
      if (problem) report.error("locked-retention", c, problem);
    }
  },
};
