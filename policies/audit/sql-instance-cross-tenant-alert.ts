import { Finding, stackPolicy } from "../lib/define";
import { alertedMetrics } from "./monitoring-security-event-alerts";

/** The tenant guard's marker (components/logFilters.ts CROSS_TENANT_MARKER). */
export const CROSS_TENANT_MARKER = "qairopay_cross_tenant_denied";

export const sqlCrossTenantAlert = stackPolicy(
  {
    name: "sql-instance-cross-tenant-alert",
    description:
      "Every database instance holding tenant data has an alerted log-based metric on cross-tenant access attempts.",
    controls: ["TEN-02"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Add a log-based metric on the instance's pgaudit marker and an alert policy on it (SecurityAlerts logAlerts).",
  },
  (resources) => {
    const filters = alertedMetrics(resources).map((m) => String(m.props.filter));
    const findings: Finding[] = [];
    for (const instance of resources.filter((r) => r.type === "gcp:sql/databaseInstance:DatabaseInstance")) {
      const labels =
        (instance.props.settings as { userLabels?: Record<string, string> } | undefined)?.userLabels ?? {};
      if (labels["data-class"] !== "tenant") continue;
      const databaseId = `${String(instance.props.project)}:${String(instance.props.name)}`;
      if (!filters.some((f) => f.includes(`"${databaseId}"`) && f.includes(CROSS_TENANT_MARKER))) {
        findings.push({
          urn: instance.urn,
          problem: `no alerted cross-tenant metric for ${databaseId}`,
          fix: "add one on the pgaudit marker",
        });
      }
    }
    return findings;
  },
);
