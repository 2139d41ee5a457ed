import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";
import { auditBuckets } from "./audit";
import { pagesOnEveryCount, pagingAlertPolicies, silencedAlerts } from "../lib/alerting";

/** The security events that must raise an alert (LOG-07), recognised by what their filter names. */
export const REQUIRED_EVENTS: Record<string, string[]> = {
  "IAM change in the logging project": ["SetIamPolicy"],
  "log sink change": ["UpdateSink", "DeleteSink"],
  "KMS key disable or destroy": ["cloudkms.googleapis.com", "DestroyCryptoKeyVersion"],
  "Cloud SQL failover": ["failover"],
};

/**
 * Log-based metrics that page someone on their first count: watched by an enabled alert policy of
 * the metric's own project (a policy reads the metrics of its project and the same metric name
 * recurs in every project) that has a notification channel and fires above zero
 * (policies/lib/alerting.ts). A disabled, silent or reversed alert watches nothing; nor does a
 * disabled metric (@pulumi/gcp logging/metric.d.ts `disabled`: "If set to True, then this metric is
 * disabled and it does not generate any points"), whose alert then never sees a count.
 */
export function alertedMetrics(
  resources: PolicyResource[],
  paging: PolicyResource[] = pagingAlertPolicies(resources),
): PolicyResource[] {
  return resources.filter(
    (r) =>
      r.type === "gcp:logging/metric:Metric" && r.props.disabled !== true && pagesOnEveryCount(r, paging),
  );
}

export const monitoringSecurityAlerts = stackPolicy(
  {
    name: "monitoring-security-event-alerts",
    description:
      "Alerts fire on IAM changes in the logging project, sink changes, KMS key disable or destroy, and Cloud SQL failover.",
    controls: ["LOG-07"],
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
      "Keep the SecurityAlerts component of the logging project (components/lib/logFilters.ts securityEventFilters).",
  },
  (resources) => {
    const anchor = auditBuckets(resources)[0];
    if (!anchor) return [];
    // A metric narrowed to one resource (the audit key's, say) does not watch the event in general.
    const watched = (alerts: PolicyResource[], terms: string[]) =>
      alertedMetrics(resources, alerts)
        .map((m) => String(m.props.filter))
        .some((f) => !f.includes("protoPayload.resourceName") && terms.every((t) => f.includes(t)));
    const paging = pagingAlertPolicies(resources);
    const findings: Finding[] = [];
    for (const [event, terms] of Object.entries(REQUIRED_EVENTS)) {
      if (!watched(paging, terms)) {
        findings.push({
          urn: anchor.urn,
          ...(silencedAlerts(resources, (alerts) => watched(alerts, terms)) ?? {
            problem: `no alerted log-based metric for ${event}`,
            fix: "add a metric and an alert policy for it",
          }),
        });
      }
    }
    return findings;
  },
);
