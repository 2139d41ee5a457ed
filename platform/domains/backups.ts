import * as pulumi from "@pulumi/pulumi";
import { APPLICATION_DATABASE } from "../../components/databaseMigration";
import { GkeBackup } from "../../components/gkeBackup";
import { SqlBackupExports } from "../../components/sqlBackupExports";
import { workloadsIn } from "../../catalogue/workloads";
import { CONTROL_LIMITS } from "../../catalogue/limits";
import { Region } from "../../vocabulary/regions";
import { PlatformConfig } from "../config/types";
import { Compute } from "./compute";
import { DataStores } from "./data";
import { Foundation } from "./foundation";
import { Keys } from "./keys";

export interface Backups {
  /** The Cloud SQL exports and Backup for GKE plans, which the perimeter goes up after. */
  components: pulumi.ComponentResource[];
}

/**
 * Immutable, off-region backups (RES-10): each Cloud SQL cluster exported daily to the other
 * region's locked bucket, each GKE cluster backed up by Backup for GKE under a delete lock, with the
 * restore plan its drill uses (RES-11). The retention is the catalogue's minimum; it is locked where
 * the stack says so (never in an ephemeral environment: docs/backups.md).
 */
export function buildBackups(
  config: PlatformConfig,
  f: Foundation,
  keys: Keys,
  data: DataStores,
  compute: Compute,
): Backups {
  const { env, regions, projects } = f;
  const k = keys.hierarchy;
  const days = CONTROL_LIMITS.immutableBackupMinDays;
  const locked = config.backups.retentionLocked;
  const components: pulumi.ComponentResource[] = [];
  for (const [cluster, sql, project, key, dataClass] of [
    ["ledger", data.ledger, "platform", "ledger-backup", "tenant"],
    ["card-vault", data.cardVault, "cde", "card-vault-backup", "cardholder"],
  ] as const) {
    const exports = new SqlBackupExports(
      `${env}-${cluster}-backups`,
      {
        project: projects.ids[project],
        cluster,
        regions,
        primaryRegion: config.primaryRegion,
        instances: sql.instances,
        database: APPLICATION_DATABASE,
        encryptionKeys: Object.fromEntries(regions.map((r) => [r, k.keyId(key, r)])) as Record<
          Region,
          pulumi.Output<string>
        >,
        retentionDays: days,
        locked,
        deployer: config.deployer.principal,
        labels: f.labels(dataClass),
        protect: f.protect,
      },
      { dependsOn: [...regions.flatMap((r) => k.grantsOf(key, r)), ...f.ready[project]] },
    );
    components.push(exports);
  }
  for (const [project, clusters, key] of [
    ["platform", compute.clusters, "gke-backup"],
    ["cde", compute.cdeClusters, "cde-gke-backup"],
  ] as const) {
    for (const region of regions) {
      const cluster = clusters[region];
      const prefix = project === "cde" ? `${env}-cde` : env;
      const backup = new GkeBackup(`${prefix}-gke-backup-${region}`, {
        project: projects.ids[project],
        cluster: cluster.cluster.id,
        clusterName: `${prefix}-${region}`,
        region,
        encryptionKey: k.keyId(key, region),
        deleteLockDays: days,
        retainDays: days,
        locked,
        namespaces: workloadsIn(project).map((w) => w.name),
        labels: f.labels(project === "cde" ? "cardholder" : "none"),
        protect: f.protect,
        dependsOn: [cluster.cluster, ...k.grantsOf(key, region), ...f.ready[project]],
      });
      components.push(backup);
    }
  }
  return { components };
}
