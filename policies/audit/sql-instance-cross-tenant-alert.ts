import { Finding, stackPolicy } from "../lib/define";
import { alertedMetrics } from "./monitoring-security-event-alerts";

/** The tenant guard's marker (components/lib/auditMigration.ts CROSS_TENANT_MARKER). */
export const CROSS_TENANT_MARKER = "qairopay_cross_tenant_denied";

/**
 * Where Cloud SQL sends pgAudit records: "The generated pgAudit logs for a given instance are sent to
 * Cloud Logging as Data Access audit logs" (https://cloud.google.com/alloydb/docs/pgaudit/view-audit-log;
 * Cloud SQL: https://cloud.google.com/sql/docs/postgres/pg-audit), as PgAuditEntry requests. A
 * metric on the instance's postgres.log never sees them.
 */
export const PGAUDIT_LOG = "/logs/cloudaudit.googleapis.com%2Fdata_access";
export const PGAUDIT_ENTRY_TYPE = "type.googleapis.com/google.cloud.sql.audit.v1.PgAuditEntry";

const readsPgAudit = (filter: string) => filter.includes(PGAUDIT_LOG) && filter.includes(PGAUDIT_ENTRY_TYPE);

export const sqlCrossTenantAlert = stackPolicy(
  {
    name: "sql-instance-cross-tenant-alert",
    description:
      "Every database instance holding tenant data has an alerted log-based metric on cross-tenant access attempts, read from its pgAudit Data Access log.",
    controls: ["TEN-02"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Add a log-based metric on the instance's pgaudit marker (components/lib/logFilters.ts crossTenantFilter) and an alert policy on it (SecurityAlerts logAlerts).",
  },
  (resources) => {
    const filters = alertedMetrics(resources).map((m) => String(m.props.filter));
    const findings: Finding[] = [];
    for (const instance of resources.filter((r) => r.type === "gcp:sql/databaseInstance:DatabaseInstance")) {
      const labels =
        (instance.props.settings as { userLabels?: Record<string, string> } | undefined)?.userLabels ?? {};
      if (labels["data-class"] !== "tenant") continue;
      const databaseId = `${String(instance.props.project)}:${String(instance.props.name)}`;
      const onMarker = filters.filter(
        (f) => f.includes(`"${databaseId}"`) && f.includes(CROSS_TENANT_MARKER),
      );
      if (!onMarker.length) {
        findings.push({
          urn: instance.urn,
          problem: `no alerted cross-tenant metric for ${databaseId}`,
          fix: "add one on the pgaudit marker",
        });
      } else if (!onMarker.some(readsPgAudit)) {
        findings.push({
          urn: instance.urn,
          problem: `the cross-tenant metric for ${databaseId} does not read pgAudit's Data Access log (filter ${JSON.stringify(onMarker[0])})`,
          fix: `filter on logName "projects/<project>${PGAUDIT_LOG}" and protoPayload.request.@type "${PGAUDIT_ENTRY_TYPE}"`,
        });
      }
    }
    return findings;
  },
);
