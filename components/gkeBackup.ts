import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../vocabulary/regions";
import { StandardLabels } from "../vocabulary/labels";

/** The namespace a drill restores a workload's namespace into, beside the live one. */
export const drillNamespace = (namespace: string): string => `${namespace}-restore-drill`;

export interface GkeBackupArgs {
  /**
   * Protect the plan (`protect`); only an ephemeral environment turns it off.
   * @default true
   */
  protect?: boolean;
  project: pulumi.Input<string>;
  /** The cluster's id (`projects/P/locations/L/clusters/C`) and name, and its region. */
  cluster: pulumi.Input<string>;
  clusterName: string;
  region: Region;
  /** CMEK key of the cluster's region for the config backups (ENC-01, ENC-02). */
  encryptionKey: pulumi.Input<string>;
  /** Days no one can delete a backup (the delete lock), and days it is kept. */
  deleteLockDays: number;
  retainDays: number;
  /** Lock the retention policy: irreversible, no later update of it is allowed. */
  locked: boolean;
  /** The workloads' namespaces, which the drill's restore plan restores beside themselves. */
  namespaces: string[];
  /** Cron schedule, UTC. @default "0 2 * * *" */
  schedule?: string;
  labels: StandardLabels;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * Backup for GKE of one cluster (RES-10): a daily plan of every namespace, secrets and volumes
 * included, its config backups under a CMEK key of the cluster's region ("This key must live in the
 * same region as the BackupPlan itself"), each backup undeletable for the delete-lock days, the
 * retention locked where the stack says so ("If set to True, no further update is allowed on this
 * policy, including the locked field itself": magic-modules mmv1/products/gkebackup/BackupPlan.yaml).
 * The drill's restore plan restores the workloads' namespaces into scratch namespaces of the same
 * cluster, failing on any conflict, so a drill never touches a live object (docs/drills.md). The
 * Backup for GKE agent must run in the cluster (GkeCluster's gkeBackupAgentConfig).
 */
export class GkeBackup extends pulumi.ComponentResource {
  public readonly backupPlan: gcp.gkebackup.BackupPlan;
  public readonly restorePlan: gcp.gkebackup.RestorePlan;

  constructor(name: string, args: GkeBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:backup:GkeBackup", name, {}, opts);
    if (args.retainDays < args.deleteLockDays)
      throw new Error(
        `${name}: retainDays ${args.retainDays} is under deleteLockDays ${args.deleteLockDays} ("backupRetainDays must be >= backupDeleteLockDays")`,
      );
    this.backupPlan = new gcp.gkebackup.BackupPlan(
      `${name}-plan`,
      {
        project: args.project,
        location: args.region,
        name: `${args.clusterName}-daily`,
        cluster: args.cluster,
        backupConfig: {
          allNamespaces: true,
          includeSecrets: true,
          includeVolumeData: true,
          encryptionKey: { gcpKmsEncryptionKey: args.encryptionKey },
        },
        backupSchedule: { cronSchedule: args.schedule ?? "0 2 * * *" },
        retentionPolicy: {
          backupDeleteLockDays: args.deleteLockDays,
          backupRetainDays: args.retainDays,
          locked: args.locked,
        },
        labels: args.labels,
      },
      { parent: this, protect: args.protect ?? true, dependsOn: args.dependsOn },
    );
    this.restorePlan = new gcp.gkebackup.RestorePlan(
      `${name}-drill`,
      {
        project: args.project,
        location: args.region,
        name: `${args.clusterName}-restore-drill`,
        backupPlan: this.backupPlan.id,
        cluster: args.cluster,
        restoreConfig: {
          selectedNamespaces: { namespaces: args.namespaces },
          namespacedResourceRestoreMode: "FAIL_ON_CONFLICT",
          volumeDataRestorePolicy: "RESTORE_VOLUME_DATA_FROM_BACKUP",
          clusterResourceRestoreScope: { noGroupKinds: true },
          transformationRules: args.namespaces.flatMap((ns) => [
            {
              description: `rename namespace ${ns} to ${drillNamespace(ns)}`,
              resourceFilter: {
                groupKinds: [{ resourceKind: "Namespace" }],
                jsonPath: `.metadata[?(@.name == '${ns}')]`,
              },
              fieldActions: [{ op: "REPLACE", path: "/metadata/name", value: drillNamespace(ns) }],
            },
            {
              description: `move ${ns}'s objects to ${drillNamespace(ns)}`,
              resourceFilter: { namespaces: [ns] },
              fieldActions: [{ op: "REPLACE", path: "/metadata/namespace", value: drillNamespace(ns) }],
            },
          ]),
        },
        labels: args.labels,
      },
      { parent: this },
    );
    this.registerOutputs({ backupPlan: this.backupPlan, restorePlan: this.restorePlan });
  }
}
