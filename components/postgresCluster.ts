import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../vocabulary/regions";
import { StandardLabels } from "../vocabulary/labels";
import { postgresFlags } from "./lib/postgresFlags";

export interface PostgresClusterArgs {
  /**
   * Protect the stateful resources (`protect`, and the provider's and API's deletion guards).
   * Only an ephemeral environment (staging, `ephemeral: true`) turns it off, to be destroyed.
   * @default true
   */
  protect?: boolean;
  /** Project of the instances. */
  project: pulumi.Input<string>;
  /** Instance name prefix, e.g. `prod-ledger`; instances are `<prefix>-<region>`. */
  instancePrefix: string;
  /** The two regions in address-plan order; the order never changes with failover. */
  regions: readonly [Region, Region];
  /** Region holding the writable primary; the other holds the disaster-recovery replica. */
  primaryRegion: Region;
  /** CMEK key id per region, of the cluster's data class (ENC-01, ENC-02). */
  encryptionKeys: Record<Region, pulumi.Input<string>>;
  /** VPC id for private IP, and the private-service-access range name. */
  network: pulumi.Input<string>;
  allocatedIpRange: pulumi.Input<string>;
  /** The configured `sqlDatabaseVersion` (its default is declared once, in platform/config/keys.ts). */
  databaseVersion: string;
  /** Enterprise Plus tier: the configured `sqlTier`. */
  tier: string;
  /** Automated backups kept: the configured `sqlBackupRetentionCount`. */
  backupRetentionCount: number;
  /** Days of WAL kept for point-in-time recovery: the configured `sqlLogRetentionDays`. */
  logRetentionDays: number;
  /** Maintenance window, day 1-7 and UTC hour: the configured `maintenanceDay` and `maintenanceHour`. */
  maintenance: { day: number; hour: number };
  /**
   * Whether the primary names its DR replica in `replicationCluster.failoverDrReplicaName`.
   * Cloud SQL accepts the designation only once the replica exists, so a brand-new cluster is
   * deployed once with `false` and then with `true`. @default true
   */
  designateDrReplica?: boolean;
  labels: StandardLabels;
  /**
   * Whether the Cloud SQL Data API (`executeSql`) may reach the instances: it "allows authorized
   * users to access the instance from the public internet" (https://cloud.google.com/sql/docs/postgres/executesql-instance),
   * so only a tenant-class cluster migrated through it (DatabaseMigration's `data-api` runner) turns
   * it on; cardholder-class instances never do (policy sql-instance-cardholder-no-data-api). Set
   * explicitly either way: the provider's field is Optional+Computed, so leaving it out keeps
   * whatever the instance has (resource_sql_database_instance.go.tmpl `data_api_access`).
   * @default false
   */
  dataApi?: boolean;
  /** Resources the instances must wait for (key grants, service networking). */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export type InstanceRole = "primary" | "dr-replica";

/**
 * A Cloud SQL for PostgreSQL Enterprise Plus cluster: a REGIONAL primary in the primary region
 * and a cross-region disaster-recovery replica, wired for advanced disaster recovery. The role of
 * each instance follows `primaryRegion`; names, regions, keys and every other replace-forcing
 * field depend only on the region, so failing over is an in-place update (RES-04).
 */
export class PostgresCluster extends pulumi.ComponentResource {
  public readonly instances: Record<Region, gcp.sql.DatabaseInstance>;
  public readonly primary: gcp.sql.DatabaseInstance;
  public readonly drReplica: gcp.sql.DatabaseInstance;
  public readonly primaryConnectionName: pulumi.Output<string>;

  constructor(name: string, args: PostgresClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:database:PostgresCluster", name, {}, opts);
    if (!args.regions.includes(args.primaryRegion)) {
      throw new Error(
        `${name}: primaryRegion ${args.primaryRegion} is not one of ${args.regions.join(", ")}`,
      );
    }
    const replicaRegion = args.regions.find((r) => r !== args.primaryRegion) as Region;
    const instanceName = (region: Region) => `${args.instancePrefix}-${region}`;
    const designate = args.designateDrReplica ?? true;

    const build = (region: Region, role: InstanceRole, extraDeps: pulumi.Resource[]) =>
      new gcp.sql.DatabaseInstance(
        `${name}-${region}`,
        {
          project: args.project,
          name: instanceName(region),
          region,
          databaseVersion: args.databaseVersion,
          encryptionKeyName: args.encryptionKeys[region],
          instanceType: role === "primary" ? "CLOUD_SQL_INSTANCE" : "READ_REPLICA_INSTANCE",
          masterInstanceName: role === "primary" ? undefined : instanceName(args.primaryRegion),
          // Switchover keeps `replicaNames` present on both sides (provider switchover guide).
          replicaNames: role === "primary" ? [instanceName(replicaRegion)] : [],
          replicationCluster: {
            failoverDrReplicaName:
              role === "primary" && designate
                ? pulumi.interpolate`${args.project}:${instanceName(replicaRegion)}`
                : "",
          },
          deletionProtection: args.protect ?? true,
          settings: {
            tier: args.tier,
            edition: "ENTERPRISE_PLUS",
            availabilityType: "REGIONAL",
            dataCacheConfig: { dataCacheEnabled: true },
            diskType: "PD_SSD",
            diskAutoresize: true,
            deletionProtectionEnabled: args.protect ?? true,
            // On both instances alike, so that a migration can run on whichever is primary.
            dataApiAccess: args.dataApi ? "ALLOW_DATA_API" : "DISALLOW_DATA_API",
            ipConfiguration: {
              ipv4Enabled: false,
              privateNetwork: args.network,
              allocatedIpRange: args.allocatedIpRange,
              sslMode: "ENCRYPTED_ONLY",
              authorizedNetworks: [],
            },
            backupConfiguration:
              role === "primary"
                ? {
                    enabled: true,
                    pointInTimeRecoveryEnabled: true,
                    startTime: "02:00",
                    location: region,
                    transactionLogRetentionDays: args.logRetentionDays,
                    backupRetentionSettings: {
                      retainedBackups: args.backupRetentionCount,
                      retentionUnit: "COUNT",
                    },
                  }
                : { enabled: false, pointInTimeRecoveryEnabled: false },
            maintenanceWindow: {
              day: args.maintenance.day,
              hour: args.maintenance.hour,
              updateTrack: "stable",
            },
            insightsConfig: {
              queryInsightsEnabled: true,
              queryStringLength: 1024,
              recordApplicationTags: true,
              recordClientAddress: true,
            },
            databaseFlags: postgresFlags(args.labels["data-class"]),
            userLabels: { ...args.labels, "cluster-role": role },
          },
        },
        {
          parent: this,
          protect: args.protect ?? true,
          dependsOn: [...(args.dependsOn ?? []), ...extraDeps] as pulumi.Input<pulumi.Resource>[],
        },
      );

    const primary = build(args.primaryRegion, "primary", []);
    const drReplica = build(replicaRegion, "dr-replica", [primary]);
    this.instances = { [args.primaryRegion]: primary, [replicaRegion]: drReplica } as Record<
      Region,
      gcp.sql.DatabaseInstance
    >;
    this.primary = primary;
    this.drReplica = drReplica;
    this.primaryConnectionName = primary.connectionName;
    this.registerOutputs({ instances: this.instances, primaryConnectionName: this.primaryConnectionName });
  }
}
