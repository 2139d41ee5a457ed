import { Policies } from "@pulumi/policy";
import { loggingBucketLocked } from "./logging-bucket-locked-cmek";
import { loggingDataAccessAudit } from "./logging-data-access-audit-config";
import { loggingProjectIsolation } from "./logging-project-isolation";
import { loggingSinkEveryProject } from "./logging-sink-every-project";
import { monitoringSecurityAlerts } from "./monitoring-security-event-alerts";
import { monitoringPrivilegedAccessAlerts } from "./monitoring-privileged-access-alerts";
import { sqlCrossTenantAlert } from "./sql-instance-cross-tenant-alert";

/** The audit pack's policies; imported by tests and the offline evaluator, never via index.ts. */
export const auditPolicies: Policies = [
  loggingBucketLocked,
  loggingProjectIsolation,
  loggingSinkEveryProject,
  loggingDataAccessAudit,
  monitoringSecurityAlerts,
  monitoringPrivilegedAccessAlerts,
  sqlCrossTenantAlert,
];
