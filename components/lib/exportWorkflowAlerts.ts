/**
 * What pages on-call when a daily Cloud SQL export (RES-10) stops: a failed execution of its
 * workflow, and no successful one for a day. Workflows reports every finished execution as
 * `workflows.googleapis.com/finished_execution_count` on the monitored resource
 * `workflows.googleapis.com/Workflow` (labels `workflow_id`, `location`), with the execution's
 * final state in the metric label `status` (SUCCEEDED, FAILED, CANCELLED: the Execution.State values
 * of https://cloud.google.com/workflows/docs/reference/executions/rest/v1/projects.locations.workflows.executions;
 * https://cloud.google.com/workflows/docs/monitor). A SUCCEEDED export workflow has seen Cloud
 * SQL's export operation DONE without error, so it is also the proof that an object was written.
 * The same metric and label are what Google's own Cloud SQL backup module alerts on
 * (terraform-google-modules/terraform-google-sql-db modules/backup/main.tf: "metric
 * 'workflows.googleapis.com/finished_execution_count' | filter metric.status == 'SUCCEEDED'").
 */

/** The metric filter of one workflow's finished executions in one final state. */
export const finishedExecutions = (workflow: string, status: "SUCCEEDED" | "FAILED"): string =>
  `metric.type="workflows.googleapis.com/finished_execution_count" AND resource.type="workflows.googleapis.com/Workflow" AND resource.labels.workflow_id="${workflow}" AND metric.labels.status="${status}"`;

/**
 * The staleness window: the longest alignment period an alerting policy accepts ("90,000 seconds
 * (25 hours) for alerting policies", Aggregation.alignmentPeriod, Cloud Monitoring API v3). A
 * metric-absence condition cannot say it ("up to a maximum of 23.5 hours",
 * https://cloud.google.com/monitoring/alerts/metric-absence), which a daily run always exceeds.
 */
export const EXPORT_STALE_AFTER_SECONDS = 90000;

/** Fires on any failed execution of the workflow. */
export function failedExportCondition(workflow: string) {
  return {
    displayName: `${workflow}: an execution failed`,
    conditionThreshold: {
      filter: finishedExecutions(workflow, "FAILED"),
      comparison: "COMPARISON_GT",
      thresholdValue: 0,
      duration: "0s",
      aggregations: [
        { alignmentPeriod: "300s", perSeriesAligner: "ALIGN_SUM", crossSeriesReducer: "REDUCE_SUM" },
      ],
      trigger: { count: 1 },
    },
  };
}

/**
 * Fires when no execution succeeded in the last 25 hours. With no execution at all there is no
 * data to compare, which "evaluate[s] the condition as true" only under EVALUATION_MISSING_DATA_ACTIVE
 * (AlertPolicy.Condition.EvaluationMissingData): without it a schedule that stopped, a workflow
 * that never starts, is silent. So a new environment pages until its first export has run.
 */
export function staleExportCondition(workflow: string) {
  return {
    displayName: `${workflow}: no successful export in ${EXPORT_STALE_AFTER_SECONDS / 3600} hours`,
    conditionThreshold: {
      filter: finishedExecutions(workflow, "SUCCEEDED"),
      comparison: "COMPARISON_LT",
      thresholdValue: 1,
      duration: "0s",
      aggregations: [
        {
          alignmentPeriod: `${EXPORT_STALE_AFTER_SECONDS}s`,
          perSeriesAligner: "ALIGN_SUM",
          crossSeriesReducer: "REDUCE_SUM",
        },
      ],
      evaluationMissingData: "EVALUATION_MISSING_DATA_ACTIVE",
      trigger: { count: 1 },
    },
  };
}
