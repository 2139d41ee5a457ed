import * as pulumi from "@pulumi/pulumi";
import { PostgresCluster } from "../../components/postgresCluster";
import { RedisCache } from "../../components/redisCache";
import { Region } from "../../vocabulary/regions";
import { PlatformConfig } from "../config/types";
import { Foundation } from "./foundation";
import { Keys } from "./keys";
import { Networks } from "./network";
import { DATA_API } from "../dataApi";

export interface DataStores {
  ledger: PostgresCluster;
  cardVault: PostgresCluster;
  caches: RedisCache[];
}

/** Cloud SQL clusters (ledger: tenant data; card-vault: cardholder data) and a cache per region (RES-02..05, ENC-01). */
export function buildDataStores(
  config: PlatformConfig,
  f: Foundation,
  keys: Keys,
  networks: Networks,
): DataStores {
  const { env, regions, projects } = f;
  const k = keys.hierarchy;
  const sqlDefaults = {
    regions,
    primaryRegion: config.primaryRegion,
    databaseVersion: config.sql.databaseVersion,
    tier: config.sql.tier,
    backupRetentionCount: config.sql.backupRetentionCount,
    logRetentionDays: config.sql.logRetentionDays,
    designateDrReplica: config.sql.designateDrReplica,
    maintenance: config.maintenance,
    protect: f.protect,
  };
  const perRegion = (key: "ledger-sql" | "card-vault-sql") =>
    Object.fromEntries(regions.map((r) => [r, k.keyId(key, r)])) as Record<Region, pulumi.Output<string>>;
  const grants = (key: "ledger-sql" | "card-vault-sql") => regions.flatMap((r) => k.grantsOf(key, r));
  const ledger = new PostgresCluster(`${env}-ledger`, {
    ...sqlDefaults,
    project: projects.ids.platform,
    instancePrefix: `${env}-ledger`,
    encryptionKeys: perRegion("ledger-sql"),
    network: networks.platform.network.id,
    allocatedIpRange: networks.platform.privateServiceAccessRangeName,
    labels: f.labels("tenant"),
    // The ledger's migration runs through the Data API (docs/database-migration.md).
    dataApi: DATA_API.ledger,
    dependsOn: [networks.platform.privateServiceAccess, ...grants("ledger-sql"), ...f.ready.platform],
  });
  const cardVault = new PostgresCluster(`${env}-card-vault`, {
    ...sqlDefaults,
    project: projects.ids.cde,
    instancePrefix: `${env}-card-vault`,
    encryptionKeys: perRegion("card-vault-sql"),
    network: networks.cde.network.id,
    allocatedIpRange: networks.cde.privateServiceAccessRangeName,
    labels: f.labels("cardholder"),
    // No internet path to cardholder data (NET-09): its migration runs in the cde cluster.
    dataApi: DATA_API["card-vault"],
    dependsOn: [networks.cde.privateServiceAccess, ...grants("card-vault-sql"), ...f.ready.cde],
  });
  const caches = regions.map(
    (region) =>
      new RedisCache(`${env}-cache-${region}`, {
        project: projects.ids.platform,
        instanceName: `${env}-cache-${region}`,
        region,
        encryptionKey: k.keyId("redis", region),
        network: networks.platform.network.id,
        reservedIpRange: networks.platform.privateServiceAccessRangeName,
        memorySizeGb: config.redis.memorySizeGb,
        replicaCount: config.redis.replicaCount,
        redisVersion: config.redis.version,
        maintenance: config.maintenance,
        labels: f.labels("tenant"),
        protect: f.protect,
        dependsOn: [
          networks.platform.privateServiceAccess,
          ...k.grantsOf("redis", region),
          ...f.ready.platform,
        ],
      }),
  );
  return { ledger, cardVault, caches };
}
