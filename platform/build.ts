import * as pulumi from "@pulumi/pulumi";
import { planAddresses } from "../components/addressPlan";
import { AUDIT_BUCKET_ID, AuditLog, AuditLogSources } from "../components/auditLog";
import { DataAccessAudit } from "../components/dataAccessAudit";
import { crossTenantFilter, securityEventFilters } from "../components/logFilters";
import { LoggingIsolation } from "../components/loggingIsolation";
import { AddressPlan } from "../components/addressPlan";
import { ImageAdmission } from "../components/binaryAuthorization";
import { FleetFeatures } from "../components/fleetFeatures";
import { GatewayEdge } from "../components/gatewayEdge";
import { GkeCluster } from "../components/gkeCluster";
import { IntrusionDetection } from "../components/intrusionDetection";
import { KubernetesBaseline } from "../components/kubernetesBaseline";
import { MultiClusterGateway } from "../components/multiClusterGateway";
import { WORKLOADS } from "../components/workloads";
import { SecurityAlerts } from "../components/securityAlerts";
import { AgentRef } from "../components/keyCatalogue";
import { KeyHierarchy } from "../components/keyHierarchy";
import { KmsWriteQuota } from "../components/kmsWriteQuota";
import { PrivateNetwork } from "../components/network";
import { PostgresCluster } from "../components/postgresCluster";
import { PlatformProjects } from "../components/projects";
import { RedisCache } from "../components/redisCache";
import { ServiceAgents } from "../components/serviceAgents";
import { WorkloadAccount } from "../components/workloadAccounts";
import { ALLOWED_REGIONS, Region } from "./config/regions";
import { PlatformConfig } from "./config/types";
import { standardLabels } from "./labels";

/** Regions in address-plan order: names and ranges never depend on which one is primary. */
function servingRegions(config: PlatformConfig): [Region, Region] {
  return ALLOWED_REGIONS.filter((r) => config.regions.includes(r)) as [Region, Region];
}

/** Builds the whole platform of one stack from its validated configuration; returns the stack outputs. */
export function buildPlatform(config: PlatformConfig): Record<string, unknown> {
  const env = config.environment;
  const regions = servingRegions(config);
  const labels = (dataClass: "tenant" | "cardholder" | "none") => standardLabels(config, dataClass);

  const projects = new PlatformProjects(env, {
    projectIds: config.projects,
    factory: config.projectFactory,
    labels: labels("none"),
  });
  const ids = projects.ids;

  const agents = {
    platform: new ServiceAgents(
      `${env}-platform-agents`,
      {
        project: ids.platform,
        projectNumber: projects.numbers.platform,
        services: ["cloud-sql", "redis", "gke", "compute"],
      },
      { dependsOn: projects.services.platform },
    ),
    cde: new ServiceAgents(
      `${env}-cde-agents`,
      {
        project: ids.cde,
        projectNumber: projects.numbers.cde,
        services: ["cloud-sql"],
      },
      { dependsOn: projects.services.cde },
    ),
  };
  const loggingAgents = new ServiceAgents(
    `${env}-logging-agents`,
    { project: ids.logging, projectNumber: projects.numbers.logging, services: ["logging"] },
    { dependsOn: projects.services.logging },
  );
  const agentsByProject: Partial<Record<AgentRef["project"], ServiceAgents>> = {
    ...agents,
    logging: loggingAgents,
  };
  const agentMember = (agent: AgentRef): pulumi.Output<string> => {
    const member = agentsByProject[agent.project]?.members[agent.service];
    if (!member) throw new Error(`no service agent ${agent.service} in the ${agent.project} project`);
    return member;
  };

  const keys = new KeyHierarchy(
    `${env}-keys`,
    {
      project: ids.kms,
      regions,
      auditRegion: config.audit.region,
      tenants: config.tenants,
      agentMember,
      labels: labels("none"),
    },
    { dependsOn: projects.services.kms },
  );
  const kmsWriteQuota = new KmsWriteQuota(
    `${env}-kms-write-quota`,
    {
      project: ids.kms,
      regions,
      keysPerRegion: config.tenants.length,
      contactEmail: config.alerting.emails[0],
    },
    { dependsOn: projects.services.kms },
  );

  const plan = planAddresses(config.addressSpace, regions);
  const networks = {
    platform: new PrivateNetwork(
      `${env}-platform-net`,
      {
        project: ids.platform,
        networkName: `${env}-platform`,
        plan: plan.platform,
        regions,
        labels: labels("tenant"),
      },
      { dependsOn: projects.services.platform },
    ),
    cde: new PrivateNetwork(
      `${env}-cde-net`,
      { project: ids.cde, networkName: `${env}-cde`, plan: plan.cde, regions, labels: labels("cardholder") },
      { dependsOn: projects.services.cde },
    ),
  };

  for (const region of config.intrusionDetectionRegions) {
    const subnet = networks.platform.subnets[region];
    new IntrusionDetection(`${env}-ids-${region}`, {
      project: ids.platform,
      resourcePrefix: `${env}-platform`,
      region,
      network: networks.platform.network.id,
      subnetworks: subnet ? [subnet.id] : [],
      dependsOn: [networks.platform.privateServiceAccess],
    });
  }

  const workloads = {
    ledger: new WorkloadAccount(
      `${env}-ledger-workload`,
      {
        project: ids.platform,
        accountId: "ledger-workload",
        displayName: "Ledger workload",
        keyRings: Object.fromEntries(regions.map((r) => [r, keys.ringId("tenant-kek", r)])),
        kubernetesServiceAccount: {
          workloadPool: pulumi.interpolate`${ids.platform}.svc.id.goog`,
          namespace: "ledger",
          name: "ledger",
        },
      },
      { dependsOn: projects.services.platform },
    ),
    cardVault: new WorkloadAccount(
      `${env}-card-vault-workload`,
      {
        project: ids.cde,
        accountId: "card-vault-workload",
        displayName: "Card vault workload",
        cryptoKeys: Object.fromEntries(regions.map((r) => [r, keys.keyId("card-vault-pan", r)])),
        kubernetesServiceAccount: {
          workloadPool: pulumi.interpolate`${ids.platform}.svc.id.goog`,
          namespace: "card-vault",
          name: "card-vault",
        },
      },
      { dependsOn: projects.services.cde },
    ),
  };

  const sqlDefaults = {
    regions,
    primaryRegion: config.primaryRegion,
    databaseVersion: config.sql.databaseVersion,
    tier: config.sql.tier,
    backupRetentionCount: config.sql.backupRetentionCount,
    logRetentionDays: config.sql.logRetentionDays,
    designateDrReplica: config.sql.designateDrReplica,
    maintenance: config.maintenance,
  };
  const keyGrants = (key: "ledger-sql" | "card-vault-sql" | "redis") =>
    regions.flatMap((r) => keys.grantsOf(key, r));
  const ledger = new PostgresCluster(`${env}-ledger`, {
    ...sqlDefaults,
    project: ids.platform,
    instancePrefix: `${env}-ledger`,
    encryptionKeys: {
      [regions[0]]: keys.keyId("ledger-sql", regions[0]),
      [regions[1]]: keys.keyId("ledger-sql", regions[1]),
    } as Record<Region, pulumi.Output<string>>,
    network: networks.platform.network.id,
    allocatedIpRange: networks.platform.privateServiceAccessRangeName,
    labels: labels("tenant"),
    dependsOn: [networks.platform.privateServiceAccess, ...keyGrants("ledger-sql")],
  });
  const cardVault = new PostgresCluster(`${env}-card-vault`, {
    ...sqlDefaults,
    project: ids.cde,
    instancePrefix: `${env}-card-vault`,
    encryptionKeys: {
      [regions[0]]: keys.keyId("card-vault-sql", regions[0]),
      [regions[1]]: keys.keyId("card-vault-sql", regions[1]),
    } as Record<Region, pulumi.Output<string>>,
    network: networks.cde.network.id,
    allocatedIpRange: networks.cde.privateServiceAccessRangeName,
    labels: labels("cardholder"),
    dependsOn: [networks.cde.privateServiceAccess, ...keyGrants("card-vault-sql")],
  });

  const caches = regions.map(
    (region) =>
      new RedisCache(`${env}-cache-${region}`, {
        project: ids.platform,
        instanceName: `${env}-cache-${region}`,
        region,
        encryptionKey: keys.keyId("redis", region),
        network: networks.platform.network.id,
        reservedIpRange: networks.platform.privateServiceAccessRangeName,
        memorySizeGb: config.redis.memorySizeGb,
        replicaCount: config.redis.replicaCount,
        redisVersion: config.redis.version,
        maintenance: config.maintenance,
        labels: labels("tenant"),
        dependsOn: [networks.platform.privateServiceAccess, ...keys.grantsOf("redis", region)],
      }),
  );

  buildCompute(config, projects, keys, networks, plan, {
    ledger: workloads.ledger.email,
    "card-vault": workloads.cardVault.email,
  });
  const auditLog = buildAuditLogging(config, projects, keys);
  buildAlerting(config, projects.ids, auditLog, { ledger, cardVault });

  return {
    primaryRegion: config.primaryRegion,
    tenantKeyRotationWritesPerMinute: kmsWriteQuota.writesPerMinute,
    auditLogBucket: auditLog.destination,
    ledgerPrimary: ledger.primaryConnectionName,
    cardVaultPrimary: cardVault.primaryConnectionName,
    workloadServiceAccounts: { ledger: workloads.ledger.email, cardVault: workloads.cardVault.email },
    redis: Object.fromEntries(
      caches.map((c, i) => [
        regions[i],
        { host: c.host, port: c.port, authString: c.authString, serverCaCerts: c.serverCaCerts },
      ]),
    ),
  };
}

/** The isolated audit log (LOG-01..05): locked CMEK bucket, sinks, isolation and Data Access logs. */
function buildAuditLogging(config: PlatformConfig, projects: PlatformProjects, keys: KeyHierarchy): AuditLog {
  const env = config.environment;
  const region = config.audit.region;
  const factory = config.projectFactory;
  const sources: AuditLogSources = factory?.organizationId
    ? { kind: "organization", organizationId: factory.organizationId }
    : factory?.folderId
      ? { kind: "folder", folderId: factory.folderId }
      : { kind: "projects", projects: projects.ids };
  const auditLog = new AuditLog(`${env}-audit-log`, {
    loggingProject: projects.ids.logging,
    loggingProjectRole: "logging",
    region,
    retentionDays: config.audit.retentionDays,
    kmsKeyName: keys.keyId("audit-log", region),
    sources,
    dependsOn: [...keys.grantsOf("audit-log", region), ...projects.services.logging],
  });
  new LoggingIsolation(`${env}-logging-isolation`, {
    loggingProject: projects.ids.logging,
    region,
    bucketId: AUDIT_BUCKET_ID,
    auditorsGroup: config.groups.auditors,
    breakGlassGroup: config.groups.breakGlass,
    writerIdentities: auditLog.writerIdentities,
  });
  new DataAccessAudit(`${env}-data-access`, { projects: projects.ids });
  return auditLog;
}

/** Security and resilience alerts (LOG-07, TEN-02): channels, log-based metrics, alert policies. */
function buildAlerting(
  config: PlatformConfig,
  ids: Record<"platform" | "cde" | "kms" | "logging", pulumi.Output<string>>,
  auditLog: AuditLog,
  clusters: { ledger: PostgresCluster; cardVault: PostgresCluster },
): void {
  const env = config.environment;
  const runbook = "https://github.com/qairopay/platform/blob/main/docs/audit-logging.md";
  const common = {
    emails: config.alerting.emails,
    pagerDutyServiceKey: config.alerting.pagerDutyServiceKey,
    runbook,
    labels: standardLabels(config, "none"),
  };
  const events = securityEventFilters(config.projects.logging);
  new SecurityAlerts(`${env}-logging-alerts`, {
    ...common,
    project: ids.logging,
    bucketName: auditLog.bucket.name,
    logAlerts: Object.entries(events).map(([id, e]) => ({ id, ...e })),
  });
  for (const [key, cluster, project] of [
    ["ledger", clusters.ledger, ids.platform],
    ["card-vault", clusters.cardVault, ids.cde],
  ] as const) {
    const projectId = key === "ledger" ? config.projects.platform : config.projects.cde;
    const instanceNames = servingRegions(config).map((r) => `${env}-${key}-${r}`);
    new SecurityAlerts(
      `${env}-${key}-alerts`,
      {
        ...common,
        project,
        logAlerts: instanceNames.map((instance) => ({
          id: `cross-tenant-${instance}`,
          description: `Cross-tenant access attempt refused on ${instance}.`,
          filter: crossTenantFilter(projectId, instance),
        })),
        replicaLag: [
          {
            id: `${env}-${key}`,
            databaseIds: instanceNames.map((instance) => `${projectId}:${instance}`),
            thresholdSeconds: config.alerting.drReplicaLagSeconds,
          },
        ],
      },
      { dependsOn: Object.values(cluster.instances) },
    );
  }
}

/** Active-active compute (RES-01): a GKE Autopilot cluster per region, the fleet, the baseline and the Gateway. */
function buildCompute(
  config: PlatformConfig,
  projects: PlatformProjects,
  keys: KeyHierarchy,
  networks: Record<"platform" | "cde", PrivateNetwork>,
  plan: AddressPlan,
  googleServiceAccounts: Record<string, pulumi.Output<string>>,
): void {
  const env = config.environment;
  const regions = servingRegions(config);
  const labels = standardLabels(config, "none");
  const images = new ImageAdmission(
    `${env}-images`,
    { project: projects.ids.platform, projectId: config.projects.platform, regions, labels },
    { dependsOn: projects.services.platform },
  );
  const clusters = Object.fromEntries(
    regions.map((region) => {
      const subnet = networks.platform.subnets[region];
      if (!subnet) throw new Error(`no platform subnet in ${region}`);
      const cluster = new GkeCluster(`${env}-gke-${region}`, {
        project: projects.ids.platform,
        clusterName: `${env}-${region}`,
        region,
        network: networks.platform.network.id,
        subnetwork: subnet.id,
        secretsKey: keys.keyId("gke-secrets", region),
        bootDiskKey: keys.keyId("gke-boot-disk", region),
        authorizedNetworks: config.gke.authorizedNetworks,
        releaseChannel: config.gke.releaseChannel,
        maintenance: config.maintenance,
        labels,
        dependsOn: [
          ...keys.grantsOf("gke-secrets", region),
          ...keys.grantsOf("gke-boot-disk", region),
          images.policy,
          ...projects.services.platform,
        ],
      });
      return [region, cluster];
    }),
  ) as Record<Region, GkeCluster>;

  const configCluster = clusters[config.gateway.configRegion];
  new FleetFeatures(`${env}-fleet`, {
    project: projects.ids.platform,
    projectNumber: projects.numbers.platform,
    configMembership: configCluster.membership,
    labels,
    dependsOn: Object.values(clusters).map((c) => c.cluster),
  });
  const workloads = WORKLOADS.map((w) => ({ ...w, googleServiceAccount: googleServiceAccounts[w.name] }));
  for (const region of regions) {
    new KubernetesBaseline(`${env}-baseline-${region}`, {
      provider: clusters[region].provider,
      region,
      workloads,
      privateServiceAccess: {
        platform: plan.platform.privateServiceAccess,
        cde: plan.cde.privateServiceAccess,
      },
    });
  }
  const edge = new GatewayEdge(`${env}-edge`, {
    project: projects.ids.platform,
    resourcePrefix: `${env}-edge`,
    domain: config.gateway.domain,
    labels,
  });
  new MultiClusterGateway(`${env}-gateway`, {
    provider: configCluster.provider,
    regions,
    drainedRegion: config.gateway.drainedRegion,
    workloads: WORKLOADS,
    domain: config.gateway.domain,
    addressName: edge.addressName,
    certificateMapName: edge.certificateMapName,
    sslPolicyName: edge.sslPolicyName,
    securityPolicyName: edge.securityPolicyName,
  });
}
