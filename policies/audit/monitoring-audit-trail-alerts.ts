import { Finding, stackPolicy } from "../lib/define";
import { auditBuckets, platformProjects } from "./audit";
import { alertedMetrics } from "./monitoring-security-event-alerts";

/** Events that cut a project's audit trail, recognised by what their filter names. */
export const TRAIL_EVENTS: Record<string, string[]> = {
  "sink or exclusion change": ["UpdateSink", "DeleteSink", "CreateExclusion"],
  "audit config change": ["SetIamPolicy", "auditConfigDeltas"],
};
/** Events on the audit log's key, in the project holding it. */
export const KEY_EVENTS: Record<string, string[]> = {
  "audit key disabled or destroyed": ["DestroyCryptoKeyVersion", "UpdateCryptoKeyVersion"],
  "audit key IAM change": ["SetIamPolicy"],
};

/**
 * An alert per project on what cuts its audit trail (LOG-07), counted from the project's own logs:
 * a metric on the audit bucket never sees the deletion of the sink that fed it. Where the audit
 * log's key lives, alerts on its versions' state and its IAM, on that key by name.
 */
export const monitoringAuditTrailAlerts = stackPolicy(
  {
    name: "monitoring-audit-trail-alerts",
    description:
      "Every project alerts, from its own logs, on sink and exclusion changes and audit config changes; the KMS project also on the audit log key's state and IAM.",
    controls: ["LOG-07"],
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
      "Give every project a SecurityAlerts with auditTrailFilters (projectLogs), and the KMS project auditKeyFilters of the audit log's key (platform/domains/logging.ts).",
  },
  (resources) => {
    const anchor = auditBuckets(resources)[0];
    if (!anchor) return [];
    const keyId = String(
      (anchor.props.cmekSettings as { kmsKeyName?: unknown } | undefined)?.kmsKeyName ?? "",
    );
    const keyProject = /^projects\/([^/]+)\//.exec(keyId)?.[1];
    const metrics = alertedMetrics(resources).filter((m) => !m.props.bucketName);
    const findings: Finding[] = [];
    for (const project of [...platformProjects(resources)].sort()) {
      const filters = metrics.filter((m) => m.props.project === project).map((m) => String(m.props.filter));
      const events = Object.entries(TRAIL_EVENTS).map(([event, terms]) => [event, terms] as const);
      if (project === keyProject && keyId)
        for (const [event, terms] of Object.entries(KEY_EVENTS)) events.push([event, [keyId, ...terms]]);
      for (const [event, terms] of events)
        if (!filters.some((f) => terms.every((t) => f.includes(t))))
          findings.push({
            urn: anchor.urn,
            problem: `project ${project} has no alerted log-based metric on its own logs for ${event}`,
            fix: "add one (a metric on the audit bucket does not see the sink that stops feeding it)",
          });
    }
    return findings;
  },
);
