import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../vocabulary/regions";
import { StandardLabels } from "../vocabulary/labels";

const WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];

export interface RedisCacheArgs {
  /**
   * Protect the stateful resources (`protect`, and the provider's and API's deletion guards).
   * Only an ephemeral environment (staging, `ephemeral: true`) turns it off, to be destroyed.
   * @default true
   */
  protect?: boolean;
  project: pulumi.Input<string>;
  /** Instance name, e.g. `prod-cache-us-central1`. */
  instanceName: string;
  region: Region;
  /** CMEK key id in the same region (ENC-01, ENC-02). */
  encryptionKey: pulumi.Input<string>;
  /** VPC id, reached over private service access (NET-01). */
  network: pulumi.Input<string>;
  /** Name of the private-service-access range to allocate from. */
  reservedIpRange: pulumi.Input<string>;
  /** The configured `redisMemorySizeGb` (its default is declared once, in platform/config/keys.ts). */
  memorySizeGb: number;
  /** The configured `redisReplicaCount`. */
  replicaCount: number;
  /** The configured `redisVersion`. */
  redisVersion: string;
  /** Maintenance day 1-7 (Monday first) and UTC hour: the configured `maintenanceDay` and `maintenanceHour`. */
  maintenance: { day: number; hour: number };
  labels: StandardLabels;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * A Memorystore for Redis instance: STANDARD_HA with read replicas (RES-03), TLS with server
 * authentication (ENC-07), AUTH (IAM-05), CMEK, private service access and RDB persistence.
 */
export class RedisCache extends pulumi.ComponentResource {
  public readonly instance: gcp.redis.Instance;
  public readonly host: pulumi.Output<string>;
  public readonly port: pulumi.Output<number>;
  /** Secret outputs: clients need both, nobody should read them from logs. */
  public readonly authString: pulumi.Output<string>;
  public readonly serverCaCerts: pulumi.Output<string[]>;

  constructor(name: string, args: RedisCacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:cache:RedisCache", name, {}, opts);
    const maintenance = args.maintenance;
    const instance = new gcp.redis.Instance(
      `${name}-instance`,
      {
        project: args.project,
        name: args.instanceName,
        region: args.region,
        tier: "STANDARD_HA",
        memorySizeGb: args.memorySizeGb,
        redisVersion: args.redisVersion,
        readReplicasMode: "READ_REPLICAS_ENABLED",
        replicaCount: args.replicaCount,
        authorizedNetwork: args.network,
        connectMode: "PRIVATE_SERVICE_ACCESS",
        reservedIpRange: args.reservedIpRange,
        authEnabled: true,
        transitEncryptionMode: "SERVER_AUTHENTICATION",
        customerManagedKey: args.encryptionKey,
        persistenceConfig: { persistenceMode: "RDB", rdbSnapshotPeriod: "TWELVE_HOURS" },
        maintenancePolicy: {
          weeklyMaintenanceWindows: [
            { day: WEEKDAYS[maintenance.day - 1], startTime: { hours: maintenance.hour, minutes: 0 } },
          ],
        },
        labels: args.labels,
      },
      { parent: this, protect: args.protect ?? true, dependsOn: args.dependsOn },
    );
    this.instance = instance;
    this.host = instance.host;
    this.port = instance.port;
    this.authString = pulumi.secret(instance.authString);
    // A server CA certificate is public by nature: clients need it to verify the server.
    this.serverCaCerts = instance.serverCaCerts.apply((certs) => certs.map((c) => c.cert ?? ""));
    this.registerOutputs({
      host: this.host,
      port: this.port,
      authString: this.authString,
      serverCaCerts: this.serverCaCerts,
    });
  }
}
