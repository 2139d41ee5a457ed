import * as pulumi from "@pulumi/pulumi";
import { IMAGE_REPOSITORY } from "../../components/binaryAuthorization";
import { DatabaseMigration } from "../../components/databaseMigration";
import { PlatformConfig } from "../config/types";
import { Compute } from "./compute";
import { DataStores } from "./data";
import { Foundation } from "./foundation";
import { Networks } from "./network";
import { Workloads } from "./workloads";

const DESCRIPTION = "pgAudit, the cross-tenant marker function (TEN-02) and the workloads' access";

/**
 * Each cluster's application database, its workloads' IAM database users and its migration
 * (docs/database-migration.md). The ledger's runs through the Data API as the deployer; card-vault's,
 * whose instances refuse the Data API (NET-09), as a Job in the cde cluster of the primary region,
 * once its images are mirrored (sqlMigrationProxyImage, sqlMigrationClientImage). Each keeps the
 * state it had as a child of its PostgresCluster (aliases).
 */
export function buildDatabaseMigrations(
  config: PlatformConfig,
  f: Foundation,
  data: DataStores,
  workloads: Workloads,
  compute: Compute,
  networks: Networks,
): DatabaseMigration[] {
  const { env, projects } = f;
  const primary = config.primaryRegion;
  const deployer = config.deployer.principal;
  const ledger = new DatabaseMigration(
    `${env}-ledger-migration`,
    {
      project: projects.ids.platform,
      instance: data.ledger.primary.name,
      deployer,
      workloads: [{ name: "ledger", email: workloads.ledger.email, account: workloads.ledger }],
      runner: { kind: "data-api" },
      description: DESCRIPTION,
      // Not while the replica is being created from the primary (one operation at a time).
      dependsOn: [data.ledger.primary, data.ledger.drReplica],
    },
    { aliases: [{ parent: data.ledger }] },
  );
  const images = config.sql.migrationImages;
  // The primary region's repository of the cde project: Binary Authorization admits only those.
  const image = (path: string) =>
    pulumi.interpolate`${primary}-docker.pkg.dev/${projects.ids.cde}/${IMAGE_REPOSITORY}/${path}`;
  const migrator = workloads.cardVaultMigrator;
  const cardVault = new DatabaseMigration(
    `${env}-card-vault-migration`,
    {
      project: projects.ids.cde,
      instance: data.cardVault.primary.name,
      deployer,
      workloads: [{ name: "card-vault", email: workloads.cardVault.email, account: workloads.cardVault }],
      runner: {
        kind: "cluster-job",
        migrator: { name: "migrator", email: migrator.email, member: migrator.member, account: migrator },
        job: {
          provider: compute.cdeClusters[primary].provider,
          connectionName: data.cardVault.primaryConnectionName,
          databaseLoginRole: workloads.databaseLoginRoles.cde,
          images: images && { proxy: image(images.proxy), client: image(images.client) },
          privateServiceAccess: networks.plan.cde.privateServiceAccess,
        },
      },
      description: DESCRIPTION,
      dependsOn: [data.cardVault.primary, data.cardVault.drReplica],
    },
    { aliases: [{ parent: data.cardVault }] },
  );
  return [ledger, cardVault];
}
