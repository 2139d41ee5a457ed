import * as pulumi from "@pulumi/pulumi";
import { AUDIT_BUCKET_ID, AuditLog, AuditLogSources } from "../../components/auditLog";
import { AuditTrailGuard, AuditTrailScope } from "../../components/auditTrailGuard";
import { DataAccessAudit } from "../../components/dataAccessAudit";
import {
  auditKeyFilters,
  auditTrailFilters,
  breakGlassPodFilter,
  crossTenantFilter,
  securityEventFilters,
} from "../../components/lib/logFilters";
import { LoggingIsolation } from "../../components/loggingIsolation";
import { pamServiceAgent } from "../../components/privilegedAccess";
import {
  privilegedAccessFilters,
  privilegedChangeFilters,
} from "../../components/lib/privilegedAccessFilters";
import { PROJECT_ROLES } from "../../components/projects";
import { LogAlertSpec } from "../../components/securityAlerts";
import { SecurityAlerts } from "../../components/securityAlerts";
import { exportWorkflowName } from "../../components/sqlBackupExports";
import { PlatformConfig } from "../config/types";
import { standardLabels } from "../labels";
import { DataStores } from "./data";
import { Foundation, servingRegions } from "./foundation";
import { Keys } from "./keys";
import { ENTITLED_PROJECTS } from "./privilegedAccess";

/** The isolated audit log (LOG-01..05): locked CMEK bucket, sinks, isolation and Data Access logs. */
export function buildAuditLogging(config: PlatformConfig, f: Foundation, keys: Keys): AuditLog {
  const { env, projects } = f;
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
    kmsKeyName: keys.hierarchy.keyId("audit-log", region),
    sources,
    protect: f.protect,
    // The bucket and every project sink call the Logging API of their own project.
    dependsOn: [
      ...keys.hierarchy.grantsOf("audit-log", region),
      ...PROJECT_ROLES.map((role) => projects.servicesByApi[role]["logging.googleapis.com"]),
      ...projects.services.logging,
    ],
  });
  new LoggingIsolation(`${env}-logging-isolation`, {
    loggingProject: projects.ids.logging,
    region,
    bucketId: AUDIT_BUCKET_ID,
    auditorsGroup: config.groups.auditors,
    breakGlassAccounts: config.breakGlassAccounts,
    writerIdentities: auditLog.writerIdentities,
    deployer: config.deployer.principal,
    protect: f.protect,
  });
  new DataAccessAudit(`${env}-data-access`, { projects: projects.ids });
  new AuditTrailGuard(`${env}-audit-trail-guard`, {
    scopes: auditTrailScopes(config, f),
    deployer: config.deployer.principal,
    breakGlassAccounts: config.breakGlassAccounts,
    protect: f.protect,
  });
  return auditLog;
}

/**
 * Where the audit trail's deny policy goes: the narrowest scope the stack owns, as for its org
 * policies (`orgPolicyScope`): the folder of the projects it creates, or each adopted project.
 */
export function auditTrailScopes(config: PlatformConfig, f: Foundation): AuditTrailScope[] {
  const folderId = config.projectFactory?.folderId;
  // PAM's agent grants the entitlements by setIamPolicy (IAM-07): excepted where there are any.
  const pamAgent = [`serviceAccount:${pamServiceAgent(config.orgPolicy.organizationId)}`];
  const entitled = (role: string) => (ENTITLED_PROJECTS as readonly string[]).includes(role);
  return config.orgPolicy.scope === "folder" && folderId
    ? [{ key: "folder", name: `folders/${folderId}`, iamGrantingAgents: pamAgent }]
    : PROJECT_ROLES.map((role) => ({
        key: role,
        name: pulumi.interpolate`projects/${f.projects.ids[role]}`,
        iamGrantingAgents: entitled(role) ? pamAgent : [],
      }));
}

/** The audit-trail alerts of one project, read from its own logs (see auditTrailFilters). */
function auditTrailAlerts(extra: Record<string, { description: string; filter: pulumi.Input<string> }> = {}) {
  return Object.entries({ ...auditTrailFilters(), ...extra }).map(([id, e]): LogAlertSpec => ({
    id,
    description: e.description,
    filter: e.filter,
    projectLogs: true,
  }));
}

/**
 * Security and resilience alerts (LOG-07, TEN-02, IAM-07): channels, log-based metrics, alert
 * policies. Returns the logging project's notification channels, which detection pages too.
 */
export function buildAlerting(
  config: PlatformConfig,
  f: Foundation,
  auditLog: AuditLog,
  data: DataStores,
  auditKeyId: pulumi.Output<string>,
): pulumi.Output<string>[] {
  const { env, projects } = f;
  const ids = projects.ids;
  const runbook = "https://github.com/qairopay/platform/blob/main/docs/audit-logging.md";
  const common = {
    emails: config.alerting.emails,
    pagerDutyServiceKey: config.alerting.pagerDutyServiceKey,
    runbook,
    labels: standardLabels(config, "none"),
  };
  // The filters name the logging project, whose id is an output where the stack creates it.
  const events = securityEventFilters("");
  // Just-in-time grants and break-glass activity (IAM-07), over the same aggregated bucket.
  const privileged = privilegedAccessFilters(config.breakGlassAccounts);
  const loggingAlerts = new SecurityAlerts(
    `${env}-logging-alerts`,
    {
      ...common,
      project: ids.logging,
      bucketName: auditLog.bucket.name,
      logAlerts: [
        ...Object.entries(events).map(([id, e]) => ({
          id,
          description: e.description,
          filter: ids.logging.apply((project) => securityEventFilters(project)[id].filter),
        })),
        ...auditTrailAlerts(),
        ...Object.entries(privileged).map(([id, e]) => ({
          id,
          ...e,
          runbook: "https://github.com/qairopay/platform/blob/main/docs/privileged-access.md",
        })),
        // The filters name the KMS and cde projects, outputs where the stack creates them.
        ...Object.entries(privilegedChangeFilters({ kms: "", cde: "" })).map(([id, e]) => ({
          id,
          description: e.description,
          filter: pulumi
            .all([ids.kms, ids.cde])
            .apply(([kms, cde]) => privilegedChangeFilters({ kms, cde })[id].filter),
          runbook: "https://github.com/qairopay/platform/blob/main/docs/privileged-access.md",
        })),
      ],
    },
    { dependsOn: f.ready.logging },
  );
  // The KMS project has no workload alerts: only its audit trail and the audit log's key.
  const keyFilters = (id: string) => auditKeyId.apply((key) => auditKeyFilters(key)[id].filter);
  new SecurityAlerts(
    `${env}-kms-alerts`,
    {
      ...common,
      project: ids.kms,
      logAlerts: auditTrailAlerts(
        Object.fromEntries(
          Object.entries(auditKeyFilters("")).map(([id, e]) => [
            id,
            { description: e.description, filter: keyFilters(id) },
          ]),
        ),
      ),
    },
    { dependsOn: f.ready.kms },
  );
  for (const [key, cluster, role] of [
    ["ledger", data.ledger, "platform"],
    ["card-vault", data.cardVault, "cde"],
  ] as const) {
    const projectId = ids[role];
    const instanceNames = servingRegions(config).map((r) => `${env}-${key}-${r}`);
    new SecurityAlerts(
      `${env}-${key}-alerts`,
      {
        ...common,
        project: ids[role],
        logAlerts: [
          ...instanceNames.map((instance) => ({
            id: `cross-tenant-${instance}`,
            description: `Cross-tenant access attempt refused on ${instance}.`,
            filter: projectId.apply((project) => crossTenantFilter(project, instance)),
          })),
          ...auditTrailAlerts(),
          {
            id: "binauthz-break-glass",
            description: "A pod was created with Binary Authorization's break-glass label.",
            filter: breakGlassPodFilter(),
          },
        ],
        exportWorkflows: [exportWorkflowName(key)],
        replicaLag: [
          {
            id: `${env}-${key}`,
            databaseIds: instanceNames.map((instance) => pulumi.interpolate`${projectId}:${instance}`),
            thresholdSeconds: config.alerting.drReplicaLagSeconds,
          },
        ],
      },
      { dependsOn: [...Object.values(cluster.instances), ...f.ready[role]] },
    );
  }
  return loggingAlerts.channels;
}
