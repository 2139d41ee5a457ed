import { PlatformConfig } from "./config/types";
import { buildBackups } from "./domains/backups";
import { buildClusters, buildKubernetes } from "./domains/compute";
import { buildDataStores } from "./domains/data";
import { buildDetection } from "./domains/detection";
import { buildFoundation } from "./domains/foundation";
import { buildGuardrails } from "./domains/guardrails";
import { buildKeys } from "./domains/keys";
import { buildDatabaseMigrations } from "./domains/migrations";
import { buildAlerting, buildAuditLogging } from "./domains/logging";
import { buildNetworks } from "./domains/network";
import { buildPerimeter, perimeterOperators } from "./domains/perimeter";
import { buildPrivilegedAccess } from "./domains/privilegedAccess";
import { buildSecrets } from "./domains/secrets";
import { buildWorkloads } from "./domains/workloads";

/**
 * Builds the whole platform of one stack from its validated configuration; returns the stack
 * outputs. Each domain takes what the previous ones built, in the order the architecture reads:
 * projects and agents, keys, networks, data stores, clusters, identities, Kubernetes, the
 * databases' users and migrations, logging,
 * then the perimeter and the organisation policies around it all.
 */
export function buildPlatform(config: PlatformConfig): Record<string, unknown> {
  const foundation = buildFoundation(config);
  const keys = buildKeys(config, foundation);
  const networks = buildNetworks(config, foundation);
  const data = buildDataStores(config, foundation, keys, networks);
  const compute = buildClusters(config, foundation, keys, networks);
  const workloads = buildWorkloads(foundation, keys, compute);
  const kubernetes = buildKubernetes(config, foundation, compute, networks, {
    ledger: workloads.ledger.email,
    "card-vault": workloads.cardVault.email,
  });
  const migrations = buildDatabaseMigrations(config, foundation, data, workloads, compute, networks);
  const secrets = buildSecrets(config, foundation, keys, data, workloads);
  const backups = buildBackups(config, foundation, keys, data, compute);
  buildPrivilegedAccess(config, foundation);
  const auditLog = buildAuditLogging(config, foundation, keys);
  const loggingChannels = buildAlerting(
    config,
    foundation,
    auditLog,
    data,
    keys.hierarchy.keyId("audit-log", config.audit.region),
  );
  const findings = buildDetection(config, foundation, keys, loggingChannels);
  const perimeter = buildPerimeter(config, foundation, auditLog, findings, [
    ...backups.components,
    keys.hierarchy,
    networks.platform,
    networks.cde,
    data.ledger,
    data.cardVault,
    ...migrations,
    ...data.caches,
    ...Object.values(compute.clusters),
    ...Object.values(compute.cdeClusters),
    compute.fleet,
    ...kubernetes,
  ]);
  buildGuardrails(config, foundation, perimeter);

  const regions = foundation.regions;
  return {
    primaryRegion: config.primaryRegion,
    tenantKeyRotationWritesPerMinute: keys.writeQuota.writesPerMinute,
    auditLogBucket: auditLog.destination,
    ledgerPrimary: data.ledger.primaryConnectionName,
    cardVaultPrimary: data.cardVault.primaryConnectionName,
    workloadServiceAccounts: { ledger: workloads.ledger.email, cardVault: workloads.cardVault.email },
    // The AUTH string is in Secret Manager (`secrets`), never in the outputs (ENC-09).
    redis: Object.fromEntries(
      data.caches.map((c, i) => [regions[i], { host: c.host, port: c.port, serverCaCerts: c.serverCaCerts }]),
    ),
    secrets,
    // What the tenant-key shard stacks read through their stack reference (tenantKeys/program.ts).
    tenantKeys: {
      environment: config.environment,
      rings: Object.fromEntries(regions.map((r) => [r, keys.hierarchy.ringId("tenant-kek", r)])),
      labels: foundation.labels("none"),
      protect: foundation.protect,
    },
    // What the apply rehearsal needs of a deployed stack's export (engine/rehearsal/stackFacts.ts).
    projectNumbers: foundation.projects.numbersById,
    // The projects' real ids (an ephemeral stack's carry a generation suffix), for the operational tools.
    projectIds: foundation.projects.ids,
    deployerPrincipal: config.deployer.principal,
    previewPrincipal: config.deployer.previewPrincipal ?? "",
    perimeterOperators: perimeterOperators(config),
    externallyEnabledApis: config.deployer.externallyEnabledApis,
    defaultServiceAccountsDeprivileged: config.deployer.defaultServiceAccountsDeprivileged,
    // What the organisation did outside this stack, which the rehearsal reports (docs/detection.md).
    externalPrerequisites: {
      securityCommandCenter: {
        tier: config.securityCommandCenter.tier,
        activation: config.securityCommandCenter.activation,
        organizationId: config.orgPolicy.organizationId,
        pciComplianceFramework: config.securityCommandCenter.pciComplianceFramework,
      },
      privilegedAccessManager: { organizationId: config.orgPolicy.organizationId },
    },
  };
}
