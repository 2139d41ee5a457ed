import { addResource, editResource, removeResource } from "../mutate";
import type { PolicyCase } from "./policyCases";

/**
 * The ways immutable, off-region backups (RES-10) break: a retention shortened, removed or left
 * unlocked, an export kept in the primary's region or never scheduled, an exporter widened, a
 * cluster without its plan or with a plan that skips, deletes early or leaves CMEK; standing access
 * to backups; and a Backup and DR vault added without the guards Google's and the provider's edges need.
 */
const retention = (p: Record<string, unknown>) => p.retentionPolicy as Record<string, unknown>;
const plan = (p: Record<string, unknown>) =>
  p as {
    retentionPolicy: Record<string, unknown>;
    backupConfig: Record<string, unknown>;
    backupSchedule: Record<string, unknown>;
  };
const KMS = "projects/qp-prod-kms/locations";
const thresholdOf = (p: Record<string, unknown>) =>
  (p.conditions as { conditionThreshold: Record<string, unknown> }[])[0].conditionThreshold;

/** A vault and plan for the ledger's primary, as someone might add them to enable enhanced backups. */
const vaultFor =
  (overrides: { vault?: Record<string, unknown>; vaultOpts?: { protect?: boolean } } = {}) =>
  (resources: Parameters<ReturnType<typeof addResource>>[0]) =>
    [
      addResource({
        type: "gcp:backupdisasterrecovery/backupVault:BackupVault",
        name: "ledger-vault",
        protect: overrides.vaultOpts?.protect ?? true,
        inputs: {
          project: "qp-prod-platform",
          location: "us-east1",
          backupVaultId: "ledger-vault",
          backupMinimumEnforcedRetentionDuration: "2592000s",
          effectiveTime: "2026-01-01T00:00:00Z",
          ...overrides.vault,
        },
      }),
      addResource({
        type: "gcp:backupdisasterrecovery/backupPlan:BackupPlan",
        name: "ledger-vault-plan",
        inputs: {
          project: "qp-prod-platform",
          location: "us-east1",
          backupPlanId: "ledger-daily",
          resourceType: "sqladmin.googleapis.com/Instance",
          backupVault: "projects/qp-prod-platform/locations/us-east1/backupVaults/ledger-vault",
          backupRules: [{ ruleId: "daily", backupRetentionDays: 30 }],
        },
      }),
    ].reduce((acc, m) => m(acc), resources);

export const BACKUP_CASES: PolicyCase[] = [
  {
    policy: "storage-bucket-backup-immutable",
    title: "a backup bucket whose retention was shortened",
    mutate: editResource("prod-ledger-backups-us-east1", (p) => (retention(p).retentionPeriod = "86400")),
    on: "prod-ledger-backups-us-east1",
    message:
      '[RES-10] gcp:storage/bucket:Bucket "prod-ledger-backups-us-east1": its retention period is "86400" seconds, under 2592000. Fix: set retentionPolicy.retentionPeriod: "2592000" or more',
  },
  {
    policy: "storage-bucket-backup-immutable",
    title: "a backup bucket without a retention policy",
    mutate: editResource("prod-card-vault-backups-us-central1", (p) => delete p.retentionPolicy),
    on: "prod-card-vault-backups-us-central1",
    message:
      '[RES-10] gcp:storage/bucket:Bucket "prod-card-vault-backups-us-central1": it has no retention policy: anyone who may delete objects can delete the exports. Fix: set retentionPolicy: { retentionPeriod: "2592000", isLocked: true }',
  },
  {
    policy: "storage-bucket-backup-immutable",
    title: "a production backup bucket left unlocked",
    mutate: editResource("prod-card-vault-backups-us-east1", (p) => (retention(p).isLocked = false)),
    on: "prod-card-vault-backups-us-east1",
    message:
      '[RES-10] gcp:storage/bucket:Bucket "prod-card-vault-backups-us-east1": its retention policy is not locked: whoever administers the bucket can shorten or remove it. Fix: set retentionPolicy.isLocked: true (backupRetentionLocked)',
  },
  {
    policy: "storage-bucket-backup-immutable",
    title: "the export kept in the primary's own region",
    mutate: editResource("prod-ledger-backups-schedule", (p) => {
      const target = p.httpTarget as { body: string };
      const body = JSON.parse(Buffer.from(target.body, "base64").toString()) as { argument: string };
      const arg = JSON.parse(body.argument) as { bucket: string };
      arg.bucket = arg.bucket.replace(/us-east1$/, "us-central1");
      target.body = Buffer.from(JSON.stringify({ argument: JSON.stringify(arg) })).toString("base64");
    }),
    on: "prod-ledger-backups-schedule",
    message:
      "[RES-10] gcp:cloudscheduler/job:Job \"prod-ledger-backups-schedule\": it exports prod-ledger-us-central1 to qp-prod-platform-ledger-backup-us-central1 in the primary's own region us-central1: the copy dies with the region. Fix: export to the other region's bucket",
  },
  {
    policy: "storage-bucket-backup-immutable",
    title: "a cluster whose export is paused",
    mutate: editResource("prod-card-vault-backups-schedule", (p) => (p.paused = true)),
    on: "prod-card-vault-us-central1",
    message:
      '[RES-10] gcp:sql/databaseInstance:DatabaseInstance "prod-card-vault-us-central1": no scheduled export writes it to an immutable backup bucket. Fix: add SqlBackupExports for its cluster',
  },
  {
    policy: "storage-bucket-backup-immutable",
    title: "an exporter that may also delete instances",
    mutate: editResource("prod-ledger-backups-export-role", (p) =>
      (p.permissions as string[]).push("cloudsql.instances.delete"),
    ),
    on: "prod-ledger-backups-export-role",
    message:
      '[RES-10] gcp:projects/iAMCustomRole:IAMCustomRole "prod-ledger-backups-export-role": the exporter\'s role also holds cloudsql.instances.delete. Fix: hold cloudsql.instances.export and cloudsql.instances.get only',
  },
  {
    policy: "gke-backup-plan-every-cluster",
    title: "a cluster without a backup plan",
    mutate: (resources) =>
      removeResource("prod-cde-gke-backup-us-east1-drill")(
        removeResource("prod-cde-gke-backup-us-east1-plan")(resources),
      ),
    on: "prod-cde-gke-us-east1-cluster",
    message:
      '[RES-10] gcp:container/cluster:Cluster "prod-cde-gke-us-east1-cluster": no Backup for GKE plan backs it up. Fix: add GkeBackup for it',
  },
  {
    policy: "gke-backup-plan-every-cluster",
    title: "GKE backups deletable after a day",
    mutate: editResource(
      "prod-gke-backup-us-central1-plan",
      (p) => (plan(p).retentionPolicy.backupDeleteLockDays = 1),
    ),
    on: "prod-gke-backup-us-central1-plan",
    message:
      '[RES-10] gcp:gkebackup/backupPlan:BackupPlan "prod-gke-backup-us-central1-plan": backups can be deleted after 1 days, under 30. Fix: set retentionPolicy.backupDeleteLockDays: 30 or more',
  },
  {
    policy: "gke-backup-plan-every-cluster",
    title: "a production GKE backup plan left unlocked",
    mutate: editResource("prod-gke-backup-us-east1-plan", (p) => (plan(p).retentionPolicy.locked = false)),
    on: "prod-gke-backup-us-east1-plan",
    message:
      '[RES-10] gcp:gkebackup/backupPlan:BackupPlan "prod-gke-backup-us-east1-plan": its retention policy is not locked: whoever administers the plan can shorten it. Fix: set retentionPolicy.locked: true (backupRetentionLocked)',
  },
  {
    policy: "gke-backup-plan-every-cluster",
    title: "GKE backups without secrets, under the other region's key",
    mutate: editResource("prod-cde-gke-backup-us-central1-plan", (p) => {
      plan(p).backupConfig.includeSecrets = false;
      plan(p).backupConfig.encryptionKey = {
        gcpKmsEncryptionKey: `${KMS}/us-east1/keyRings/cardholder/cryptoKeys/cde-gke-backup`,
      };
    }),
    on: "prod-cde-gke-backup-us-central1-plan",
    message:
      '[RES-10] gcp:gkebackup/backupPlan:BackupPlan "prod-cde-gke-backup-us-central1-plan": it leaves out secrets. Fix: back up allNamespaces with includeSecrets and includeVolumeData',
  },
  {
    policy: "gke-backup-plan-every-cluster",
    title: "a deactivated GKE backup plan",
    mutate: editResource("prod-gke-backup-us-east1-plan", (p) => (p.deactivated = true)),
    on: "prod-gke-backup-us-east1-plan",
    message:
      '[RES-10] gcp:gkebackup/backupPlan:BackupPlan "prod-gke-backup-us-east1-plan": it takes no scheduled backup (deactivated, paused or without a schedule). Fix: give it a cronSchedule and keep it active',
  },
  {
    policy: "backup-access-named-group",
    title: "an engineer reading the cardholder exports standing",
    mutate: addResource({
      type: "gcp:storage/bucketIAMMember:BucketIAMMember",
      name: "engineer-reads-exports",
      inputs: {
        bucket: "qp-prod-cde-card-vault-backup-us-east1",
        role: "roles/storage.objectViewer",
        member: "user:bob@qairopay.com",
      },
    }),
    on: "engineer-reads-exports",
    message:
      '[RES-10] gcp:storage/bucketIAMMember:BucketIAMMember "engineer-reads-exports": user:bob@qairopay.com holds roles/storage.objectViewer standing on backup bucket qp-prod-cde-card-vault-backup-us-east1. Fix: remove it: backups are read, restored or deleted only through the backup-restore entitlement',
  },
  {
    policy: "backup-access-named-group",
    title: "a service account that may delete GKE backups",
    mutate: addResource({
      type: "gcp:projects/iAMMember:IAMMember",
      name: "ci-gkebackup-admin",
      inputs: {
        project: "qp-prod-platform",
        role: "roles/gkebackup.admin",
        member: "serviceAccount:ci@qp-platform-ci.iam.gserviceaccount.com",
      },
    }),
    on: "ci-gkebackup-admin",
    message:
      '[RES-10] gcp:projects/iAMMember:IAMMember "ci-gkebackup-admin": serviceAccount:ci@qp-platform-ci.iam.gserviceaccount.com holds roles/gkebackup.admin standing on project qp-prod-platform, which holds backups. Fix: remove it: backups are read, restored or deleted only through the backup-restore entitlement',
  },
  {
    policy: "backup-access-named-group",
    title: "backup restores open to the on-call group too",
    mutate: editResource("prod-platform-access-backup-restore", (p) => {
      (p.eligibleUsers as { principals: string[] }[])[0].principals.push("group:sre-oncall@qairopay.com");
    }),
    on: "prod-platform-access-backup-restore",
    message:
      '[RES-10] gcp:privilegedaccessmanager/entitlement:entitlement "prod-platform-access-backup-restore": backup roles may be requested by ["group:backup-operators@qairopay.com","group:sre-oncall@qairopay.com"], not the one named group group:backup-operators@qairopay.com. Fix: name the backup operators\' group alone, in every entitlement to backup roles',
  },
  {
    policy: "backupdr-vault-immutable",
    title: "a vault that enforces a day and is never locked",
    mutate: vaultFor({
      vault: { backupMinimumEnforcedRetentionDuration: "86400s", effectiveTime: undefined },
    }),
    on: "ledger-vault",
    message:
      '[RES-10] gcp:backupdisasterrecovery/backupVault:BackupVault "ledger-vault": it enforces "86400s", under 2592000s. Fix: set backupMinimumEnforcedRetentionDuration: "2592000s" or more',
  },
  {
    policy: "backupdr-vault-immutable",
    title: "an unprotected vault",
    mutate: vaultFor({ vaultOpts: { protect: false } }),
    on: "ledger-vault",
    message:
      '[RES-10] gcp:backupdisasterrecovery/backupVault:BackupVault "ledger-vault": protect is false. Fix: add the resource option protect: true',
  },
  {
    policy: "backupdr-vault-immutable",
    title: "a CMEK instance associated with a vault",
    mutate: (resources) =>
      associate(
        editResource(
          "prod-ledger-us-central1",
          (_p, r) => (r.ignoreChanges = ["settings.backupConfiguration"]),
        )(vaultFor()(resources)),
      ),
    on: "ledger-association",
    message:
      '[RES-10] gcp:backupdisasterrecovery/backupPlanAssociation:BackupPlanAssociation "ledger-association": it protects prod-ledger-us-central1, a CMEK instance: enhanced backups have no CMEK support. Fix: keep CMEK instances on standard backups and export them to a locked bucket (SqlBackupExports)',
  },
  {
    policy: "backupdr-vault-immutable",
    title: "an associated instance that still manages its backupConfiguration",
    mutate: (resources) =>
      associate(
        editResource("prod-ledger-us-central1", (p) => delete p.encryptionKeyName)(vaultFor()(resources)),
      ),
    on: "prod-ledger-us-central1",
    message:
      '[RES-10] gcp:sql/databaseInstance:DatabaseInstance "prod-ledger-us-central1": it is associated with a backup plan but does not ignore changes to settings.backupConfiguration: its next update is refused. Fix: add ignoreChanges: ["settings.backupConfiguration"]',
  },
  {
    policy: "workflows-backup-export-alerted",
    title: "the failed-export alert removed",
    mutate: removeResource("prod-ledger-alerts-ledger-backup-export-failed"),
    on: "prod-ledger-backups-schedule",
    message:
      '[RES-10] gcp:cloudscheduler/job:Job "prod-ledger-backups-schedule": nothing pages on-call on a failed execution of workflow ledger-backup-export in qp-prod-platform: the daily export can stop unnoticed. Fix: add it to SecurityAlerts\' exportWorkflows of its project',
  },
  {
    policy: "workflows-backup-export-alerted",
    title: "the stale-export alert disabled",
    mutate: editResource("prod-card-vault-alerts-card-vault-backup-export-stale", (p) => (p.enabled = false)),
    on: "prod-card-vault-backups-schedule",
    message:
      '[RES-10] gcp:cloudscheduler/job:Job "prod-card-vault-backups-schedule": nothing pages on-call on no successful execution for a day (with no data counted as none) of workflow card-vault-backup-export in qp-prod-cde: the daily export can stop unnoticed. Fix: add it to SecurityAlerts\' exportWorkflows of its project',
  },
  {
    policy: "workflows-backup-export-alerted",
    title: "a stopped schedule left silent: no data counted as fine",
    mutate: editResource(
      "prod-ledger-alerts-ledger-backup-export-stale",
      (p) => (thresholdOf(p).evaluationMissingData = "EVALUATION_MISSING_DATA_INACTIVE"),
    ),
    on: "prod-ledger-backups-schedule",
    message:
      '[RES-10] gcp:cloudscheduler/job:Job "prod-ledger-backups-schedule": nothing pages on-call on no successful execution for a day (with no data counted as none) of workflow ledger-backup-export in qp-prod-platform: the daily export can stop unnoticed. Fix: add it to SecurityAlerts\' exportWorkflows of its project',
  },
  {
    policy: "workflows-backup-export-alerted",
    title: "the failure alert watching another workflow",
    mutate: editResource(
      "prod-ledger-alerts-ledger-backup-export-failed",
      (p) =>
        (thresholdOf(p).filter = String(thresholdOf(p).filter).replace(
          '"ledger-backup-export"',
          '"ledger-backup-export-old"',
        )),
    ),
    on: "prod-ledger-backups-schedule",
    message:
      '[RES-10] gcp:cloudscheduler/job:Job "prod-ledger-backups-schedule": nothing pages on-call on a failed execution of workflow ledger-backup-export in qp-prod-platform: the daily export can stop unnoticed. Fix: add it to SecurityAlerts\' exportWorkflows of its project',
  },
  {
    policy: "workflows-backup-export-alerted",
    title: "the failure alert narrowed to a region the workflow is not in",
    mutate: editResource(
      "prod-ledger-alerts-ledger-backup-export-failed",
      (p) =>
        (thresholdOf(p).filter =
          `(${String(thresholdOf(p).filter)}) AND resource.labels.location="us-west1"`),
    ),
    on: "prod-ledger-backups-schedule",
    message:
      '[RES-10] gcp:cloudscheduler/job:Job "prod-ledger-backups-schedule": nothing pages on-call on a failed execution of workflow ledger-backup-export in qp-prod-platform: the daily export can stop unnoticed. Fix: add it to SecurityAlerts\' exportWorkflows of its project',
  },
  {
    policy: "workflows-backup-export-alerted",
    title: "the stale-export alert judging a week",
    mutate: editResource(
      "prod-card-vault-alerts-card-vault-backup-export-stale",
      (p) => (thresholdOf(p).duration = "604800s"),
    ),
    on: "prod-card-vault-backups-schedule",
    message:
      '[RES-10] gcp:cloudscheduler/job:Job "prod-card-vault-backups-schedule": nothing pages on-call on no successful execution for a day (with no data counted as none) of workflow card-vault-backup-export in qp-prod-cde: the daily export can stop unnoticed. Fix: add it to SecurityAlerts\' exportWorkflows of its project',
  },
  {
    policy: "workflows-backup-export-alerted",
    title: "the failure alert made to wait for two series, which one workflow never has",
    mutate: editResource(
      "prod-ledger-alerts-ledger-backup-export-failed",
      (p) => (thresholdOf(p).trigger = { count: 2 }),
    ),
    on: "prod-ledger-backups-schedule",
    message:
      '[RES-10] gcp:cloudscheduler/job:Job "prod-ledger-backups-schedule": nothing pages on-call on a failed execution of workflow ledger-backup-export in qp-prod-platform: the daily export can stop unnoticed. Fix: add it to SecurityAlerts\' exportWorkflows of its project',
  },
  {
    policy: "workflows-backup-export-alerted",
    title: "the stale-export alert counting something else than executions (REDUCE_COUNT_FALSE)",
    mutate: editResource("prod-ledger-alerts-ledger-backup-export-stale", (p) => {
      const [aggregation] = thresholdOf(p).aggregations as { crossSeriesReducer?: string }[];
      aggregation.crossSeriesReducer = "REDUCE_COUNT_FALSE";
    }),
    on: "prod-ledger-backups-schedule",
    message:
      '[RES-10] gcp:cloudscheduler/job:Job "prod-ledger-backups-schedule": nothing pages on-call on no successful execution for a day (with no data counted as none) of workflow ledger-backup-export in qp-prod-platform: the daily export can stop unnoticed. Fix: add it to SecurityAlerts\' exportWorkflows of its project',
  },
  {
    policy: "workflows-backup-export-alerted",
    title: "the export alerts sent to nobody",
    mutate: editResource(
      "prod-ledger-alerts-ledger-backup-export-failed",
      (p) => (p.notificationChannels = []),
    ),
    on: "prod-ledger-backups-schedule",
    message:
      '[RES-10] gcp:cloudscheduler/job:Job "prod-ledger-backups-schedule": alert policy prod-ledger-alerts-ledger-backup-export-failed pages nobody: it names no notification channel. Fix: re-enable them or name a channel the stack declares (components/securityAlerts.ts)',
  },
];

/** Associates the ledger's primary with the vault's plan. */
function associate(resources: Parameters<ReturnType<typeof addResource>>[0]) {
  return addResource({
    type: "gcp:backupdisasterrecovery/backupPlanAssociation:BackupPlanAssociation",
    name: "ledger-association",
    inputs: {
      project: "qp-prod-platform",
      location: "us-central1",
      backupPlanAssociationId: "ledger",
      resourceType: "sqladmin.googleapis.com/Instance",
      resource: "projects/qp-prod-platform/instances/prod-ledger-us-central1",
      backupPlan: "projects/qp-prod-platform/locations/us-east1/backupPlans/ledger-daily",
    },
  })(resources);
}
