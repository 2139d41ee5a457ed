import { PROPAGATION_SECONDS } from "../facts/propagation";
import { waitBetween } from "../lookup";
import { label, RehearsalRule } from "../model";
import { plain } from "../../deployment";

const METRIC_TYPE = "gcp:logging/metric:Metric";
const ALERT_TYPE = "gcp:monitoring/alertPolicy:AlertPolicy";

/** User-defined metric types an alert policy's conditions name. */
function userMetrics(inputs: Record<string, unknown>): string[] {
  const text = JSON.stringify(plain(inputs.conditions ?? []));
  return [...text.matchAll(/logging\.googleapis\.com\/user\/([A-Za-z0-9_/.-]+)/g)].map((m) => m[1]);
}

/** An alert policy on a log-based metric created in the same run waits for Monitoring to learn the metric. */
export const logMetricPropagation: RehearsalRule = {
  id: "log-metric-propagation",
  severity: "error",
  description: `An alert policy on a user-defined log metric that this stack creates waits at least ${PROPAGATION_SECONDS.logMetricToMonitoring / 60} minutes after the metric (a time.Sleep between them): Cloud Monitoring answers 404 until the metric has propagated.`,
  sources: [
    "https://github.com/hashicorp/terraform-provider-google/issues/11102",
    "https://cloud.google.com/logging/docs/logs-based-metrics/troubleshooting",
  ],
  check(ctx, report) {
    const metrics = ctx.resources.filter((r) => r.type === METRIC_TYPE);
    const need = PROPAGATION_SECONDS.logMetricToMonitoring;
    for (const alert of ctx.resources.filter((r) => r.type === ALERT_TYPE)) {
      for (const name of userMetrics(alert.inputs)) {
        const metric = metrics.find(
          (m) => m.inputs.name === name && m.inputs.project === alert.inputs.project,
        );
        if (!metric) continue;
        if (!ctx.order.precedes(metric.urn, alert.urn)) {
          report.asWritten.error(
            this.id,
            alert,
            `${label(alert)} alerts on logging.googleapis.com/user/${name}, which ${metric.name} creates, with no dependency on it: the policy can be created before the metric. Take the metric type from ${metric.name}'s output.`,
          );
          continue;
        }
        const waited = waitBetween(ctx, metric.urn, alert.urn);
        if (waited < need)
          report.asWritten.error(
            this.id,
            alert,
            `${label(alert)} is created right after its metric ${metric.name} (${waited}s wait): Cloud Monitoring answers 404 for a new log-based metric until it propagates. Put a time.Sleep of at least ${need}s (createDuration) between the metric and the policy.`,
          );
      }
    }
  },
};
