import { PolicyResource } from "@pulumi/policy";
import { scheduledArgument } from "../lib/backups";
import { Finding, stackPolicy } from "../lib/define";
import { firesAboveZero, firesAsOneSeries, pagingAlertPolicies, silencedAlerts } from "../lib/alerting";
import { protobufDurationSeconds } from "../../facts/durations";

const JOB = "gcp:cloudscheduler/job:Job";
const METRIC = "workflows.googleapis.com/finished_execution_count";
/** The longest alignment period an alerting policy accepts: 90,000 s (Cloud Monitoring API v3, Aggregation). */
const MAX_WINDOW = 90000;
/** A daily export, judged over at least a day plus the time an export may take. */
const MIN_WINDOW = 86400 + 3600;
/** Longer than this and the page comes a day late. */
const MAX_RETEST = 3600;

interface Condition {
  displayName?: string;
  conditionThreshold?: {
    filter?: string;
    comparison?: string;
    thresholdValue?: number;
    duration?: string;
    evaluationMissingData?: string;
    aggregations?: { alignmentPeriod?: string; perSeriesAligner?: string; crossSeriesReducer?: string }[];
    trigger?: { count?: number; percent?: number };
  };
}

/** `projects/P/locations/L/workflows/W` of a job that starts a workflow execution, if it does. */
function startedWorkflow(
  job: PolicyResource,
): { project: string; location: string; workflow: string } | undefined {
  const uri = String((job.props.httpTarget as { uri?: string } | undefined)?.uri ?? "");
  const m =
    /^https:\/\/workflowexecutions\.googleapis\.com\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/workflows\/([^/]+)\/executions$/.exec(
      uri,
    );
  return m ? { project: m[1], location: m[2], workflow: m[3] } : undefined;
}

/**
 * The filter's clauses, when it is a plain conjunction of `key="value"` and names exactly one
 * workflow in one final state: anything else (another workflow, a location elsewhere, an OR, a
 * negation) could watch less than the export.
 */
function watches(filter: string, target: { location: string; workflow: string }, status: string): boolean {
  const clauses = filter.split(/\s+AND\s+/);
  const allowed: Record<string, string> = {
    "metric.type": METRIC,
    "resource.type": "workflows.googleapis.com/Workflow",
    "resource.labels.workflow_id": target.workflow,
    "resource.labels.location": target.location,
    "metric.labels.status": status,
  };
  const seen = new Set<string>();
  for (const clause of clauses) {
    const m = /^([\w.]+)\s*=\s*"([^"]*)"$/.exec(clause.trim());
    if (!m || allowed[m[1]] !== m[2]) return false;
    seen.add(m[1]);
  }
  return ["metric.type", "resource.labels.workflow_id", "metric.labels.status"].every((k) => seen.has(k));
}

/** Whether the condition pages on any failed execution of the workflow. */
function pagesOnFailure(c: Condition, target: { location: string; workflow: string }): boolean {
  const t = c.conditionThreshold;
  return !!t && firesAboveZero(c, MAX_RETEST) && watches(String(t.filter ?? ""), target, "FAILED");
}

/** Whether the condition pages when no execution succeeded in a day, no execution at all included. */
function pagesOnStaleness(c: Condition, target: { location: string; workflow: string }): boolean {
  const t = c.conditionThreshold;
  const window = protobufDurationSeconds(t?.aggregations?.[0]?.alignmentPeriod);
  return (
    !!t &&
    firesAsOneSeries(t) &&
    watches(String(t.filter ?? ""), target, "SUCCEEDED") &&
    t.comparison === "COMPARISON_LT" &&
    (t.thresholdValue ?? 0) > 0 &&
    (t.thresholdValue ?? 0) <= 1 &&
    t.evaluationMissingData === "EVALUATION_MISSING_DATA_ACTIVE" &&
    ["ALIGN_SUM", "ALIGN_DELTA", "ALIGN_COUNT"].includes(String(t.aggregations?.[0]?.perSeriesAligner)) &&
    window >= MIN_WINDOW &&
    window <= MAX_WINDOW &&
    protobufDurationSeconds(t.duration ?? "0s") <= MAX_RETEST
  );
}

export const workflowsBackupExportAlerted = stackPolicy(
  {
    name: "workflows-backup-export-alerted",
    description:
      "Every scheduled Cloud SQL export workflow pages on-call, from an enabled alert policy of its project with a notification channel, when an execution fails and when no execution has succeeded for a day, none at all included.",
    controls: ["RES-10"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Pass the workflow to SecurityAlerts' exportWorkflows (platform/domains/logging.ts), which adds failedExportCondition and staleExportCondition (components/lib/exportWorkflowAlerts.ts).",
  },
  (resources) => {
    const findings: Finding[] = [];
    const paging = pagingAlertPolicies(resources);
    for (const job of resources.filter((r) => r.type === JOB && scheduledArgument(r)?.instance)) {
      const target = startedWorkflow(job);
      if (!target) continue;
      const missing = unpagedEvents(paging, target);
      if (!missing.length) continue;
      const silenced = silencedAlerts(resources, (alerts) => !unpagedEvents(alerts, target).length);
      findings.push({
        urn: job.urn,
        ...(silenced ?? {
          problem: `nothing pages on-call on ${missing.join(" or on ")} of workflow ${target.workflow} in ${target.project}: the daily export can stop unnoticed`,
          fix: "add it to SecurityAlerts' exportWorkflows of its project",
        }),
      });
    }
    return findings;
  },
);

/** The events of the workflow's executions none of the alerts pages on, among their project's. */
function unpagedEvents(
  alerts: PolicyResource[],
  target: { project: string; location: string; workflow: string },
): string[] {
  const conditions = alerts
    .filter((a) => a.props.project === target.project)
    .flatMap((a) => (a.props.conditions as Condition[] | undefined) ?? []);
  return [
    conditions.some((c) => pagesOnFailure(c, target)) ? undefined : "a failed execution",
    conditions.some((c) => pagesOnStaleness(c, target))
      ? undefined
      : "no successful execution for a day (with no data counted as none)",
  ].filter((m): m is string => !!m);
}
