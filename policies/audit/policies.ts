import { Policies } from "@pulumi/policy";
import { loggingAuditTrailDeny } from "./logging-audit-trail-deny";
import { loggingBucketLocked } from "./logging-bucket-locked-cmek";
import { loggingDataAccessAudit } from "./logging-data-access-audit-config";
import { loggingAuditConfigNoExemptions } from "./logging-audit-config-no-exemptions";
import { loggingProjectIsolation } from "./logging-project-isolation";
import { loggingSinkEveryProject } from "./logging-sink-every-project";
import { monitoringBreakGlassAlert } from "./monitoring-binauthz-breakglass-alert";
import { monitoringAuditTrailAlerts } from "./monitoring-audit-trail-alerts";
import { monitoringSecurityAlerts } from "./monitoring-security-event-alerts";
import { monitoringPrivilegedAccessAlerts } from "./monitoring-privileged-access-alerts";
import { sqlCrossTenantAlert } from "./sql-instance-cross-tenant-alert";

/** The audit pack's policies; imported by tests and the offline evaluator, never via index.ts. */
export const auditPolicies: Policies = [
  loggingBucketLocked,
  loggingProjectIsolation,
  loggingSinkEveryProject,
  loggingDataAccessAudit,
  loggingAuditConfigNoExemptions,
  loggingAuditTrailDeny,
  monitoringSecurityAlerts,
  monitoringAuditTrailAlerts,
  monitoringBreakGlassAlert,
  monitoringPrivilegedAccessAlerts,
  sqlCrossTenantAlert,
];
