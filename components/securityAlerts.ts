import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { StandardLabels } from "../vocabulary/labels";
import { failedExportCondition, staleExportCondition } from "./lib/exportWorkflowAlerts";

/**
 * How long Cloud Monitoring takes to learn a new log-based metric; an alert policy created
 * earlier fails with 404 ("it could take up to 10 minutes to become available":
 * terraform-provider-google issue 11102). A create-time wait only: updates do not wait again.
 */
export const LOG_METRIC_PROPAGATION = "600s";

export interface LogAlertSpec {
  /** kebab-case id, used for the metric name and the resource names. */
  id: string;
  description: string;
  filter: pulumi.Input<string>;
  /**
   * Count the project's own logs even where the component reads a bucket (`bucketName`): for
   * events that cut the routing into that bucket, which the bucket would never see.
   * @default false
   */
  projectLogs?: boolean;
  /** Where on-call reads what to do, when not the alerts' common runbook. */
  runbook?: string;
}

export interface SecurityAlertsArgs {
  /** Project holding the metrics, alert policies and notification channels. */
  project: pulumi.Input<string>;
  /** Count logs in this bucket (`projects/P/locations/R/buckets/B`) rather than the project's own logs. */
  bucketName?: pulumi.Input<string>;
  /** Each becomes a log-based metric and an alert policy firing on any matching entry. */
  logAlerts: LogAlertSpec[];
  /** Threshold alerts on Cloud SQL replica lag (seconds), one per cluster. */
  replicaLag?: { id: string; databaseIds: pulumi.Input<string>[]; thresholdSeconds: number }[];
  /**
   * The project's daily Cloud SQL export workflows (RES-10), by name: each pages when an execution
   * fails and when none has succeeded for 25 hours (components/lib/exportWorkflowAlerts.ts).
   * @default []
   */
  exportWorkflows?: string[];
  /** On-call e-mail addresses. */
  emails: string[];
  /** PagerDuty integration key; a secret. */
  pagerDutyServiceKey?: pulumi.Output<string>;
  /** Runbook link for the alerts' documentation. */
  runbook: string;
  /** Written to the channels' and policies' `userLabels`. */
  labels: StandardLabels;
}

/**
 * Alerting of one project: notification channels (e-mail, and PagerDuty when a key is set),
 * a log-based metric and an alert policy per security event, and replica-lag alerts. Channels
 * are per project because an alert policy may only notify channels of its own project.
 */
export class SecurityAlerts extends pulumi.ComponentResource {
  public readonly channels: pulumi.Output<string>[];

  constructor(name: string, args: SecurityAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:monitoring:SecurityAlerts", name, {}, opts);
    const child = { parent: this };
    const channels = notificationChannels(name, args, child);
    logAlerts(name, args, channels, this);
    for (const lag of args.replicaLag ?? [])
      new gcp.monitoring.AlertPolicy(`${name}-${lag.id}`, replicaLagAlertArgs(args, lag, channels), child);
    for (const workflow of args.exportWorkflows ?? []) exportAlerts(name, args, workflow, channels, child);
    this.channels = channels;
    this.registerOutputs({ channels });
  }
}

type Child = { parent: pulumi.Resource };

/** The on-call e-mail channels, and PagerDuty's when a key is set. */
function notificationChannels(
  name: string,
  args: Pick<SecurityAlertsArgs, "project" | "emails" | "pagerDutyServiceKey" | "labels">,
  child: Child,
): pulumi.Output<string>[] {
  const channels = args.emails.map(
    (email) =>
      new gcp.monitoring.NotificationChannel(
        `${name}-email-${email.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`,
        {
          project: args.project,
          type: "email",
          displayName: `On-call ${email}`,
          labels: { email_address: email },
          userLabels: args.labels,
        },
        child,
      ).name,
  );
  if (args.pagerDutyServiceKey) {
    channels.push(
      new gcp.monitoring.NotificationChannel(
        `${name}-pagerduty`,
        {
          project: args.project,
          type: "pagerduty",
          displayName: "PagerDuty security on-call",
          sensitiveLabels: { serviceKey: args.pagerDutyServiceKey },
          userLabels: args.labels,
        },
        child,
      ).name,
    );
  }
  return channels;
}

/** What an alert's documentation says, and where on-call reads what to do. */
export function alertDocumentation(what: string, runbook: string): { content: string; mimeType: string } {
  return { content: `${what}\n\nRunbook: ${runbook}`, mimeType: "text/markdown" };
}

/**
 * A log-based metric per security event, one wait for Cloud Monitoring to learn them, and an
 * alert policy per metric firing on any matching entry.
 */
function logAlerts(
  name: string,
  args: SecurityAlertsArgs,
  channels: pulumi.Output<string>[],
  parent: pulumi.Resource,
): void {
  const child = { parent };
  const metrics = args.logAlerts.map(
    (alert) =>
      new gcp.logging.Metric(
        `${name}-${alert.id}`,
        {
          project: args.project,
          name: `qairopay/${alert.id}`,
          description: alert.description,
          filter: alert.filter,
          bucketName: alert.projectLogs ? undefined : args.bucketName,
          metricDescriptor: { metricKind: "DELTA", valueType: "INT64", unit: "1" },
        },
        child,
      ),
  );
  const propagated = metrics.length
    ? new time.Sleep(
        `${name}-metrics-propagated`,
        {
          createDuration: LOG_METRIC_PROPAGATION,
          // A wait runs on create only: a metric added later must make it run again.
          triggers: { metrics: args.logAlerts.map((a) => a.id).join(",") },
        },
        { parent, dependsOn: metrics },
      )
    : undefined;
  args.logAlerts.forEach(
    (alert, i) =>
      new gcp.monitoring.AlertPolicy(
        `${name}-${alert.id}-alert`,
        logAlertPolicyArgs(args, alert, metrics[i].name, channels),
        { parent, dependsOn: propagated ? [propagated] : [] },
      ),
  );
}

/** An alert policy that pages on any entry its log-based metric counts. */
export function logAlertPolicyArgs(
  args: Pick<SecurityAlertsArgs, "project" | "runbook" | "labels">,
  alert: LogAlertSpec,
  metric: pulumi.Input<string>,
  channels: pulumi.Input<string>[],
): gcp.monitoring.AlertPolicyArgs {
  return {
    project: args.project,
    displayName: `[security] ${alert.description}`,
    combiner: "OR",
    severity: "CRITICAL",
    conditions: [
      {
        displayName: alert.description,
        conditionThreshold: {
          filter: pulumi.interpolate`metric.type="logging.googleapis.com/user/${metric}"`,
          comparison: "COMPARISON_GT",
          thresholdValue: 0,
          duration: "0s",
          aggregations: [
            { alignmentPeriod: "60s", perSeriesAligner: "ALIGN_SUM", crossSeriesReducer: "REDUCE_SUM" },
          ],
          trigger: { count: 1 },
        },
      },
    ],
    notificationChannels: channels,
    documentation: alertDocumentation(alert.description, alert.runbook ?? args.runbook),
    alertStrategy: { autoClose: "1800s" },
    userLabels: args.labels,
  };
}

/** An alert on one cluster's disaster-recovery replica lag above its threshold. */
export function replicaLagAlertArgs(
  args: Pick<SecurityAlertsArgs, "project" | "runbook" | "labels">,
  lag: NonNullable<SecurityAlertsArgs["replicaLag"]>[number],
  channels: pulumi.Input<string>[],
): gcp.monitoring.AlertPolicyArgs {
  return {
    project: args.project,
    displayName: `[resilience] ${lag.id}: disaster-recovery replica lag above ${lag.thresholdSeconds}s`,
    combiner: "OR",
    severity: "ERROR",
    conditions: [
      {
        displayName: `replica lag > ${lag.thresholdSeconds}s`,
        conditionThreshold: {
          filter: pulumi
            .all(lag.databaseIds)
            .apply(
              (ids) =>
                `metric.type="cloudsql.googleapis.com/database/replication/replica_lag" AND resource.type="cloudsql_database" AND resource.labels.database_id=one_of(${ids.map((id) => `"${id}"`).join(",")})`,
            ),
          comparison: "COMPARISON_GT",
          thresholdValue: lag.thresholdSeconds,
          duration: "300s",
          aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MAX" }],
          trigger: { count: 1 },
        },
      },
    ],
    notificationChannels: channels,
    documentation: alertDocumentation(
      `The DR replica of ${lag.id} lags; a failover now would lose more than the RPO allows.`,
      args.runbook,
    ),
    userLabels: args.labels,
  };
}

/** The two pages of one daily export workflow (RES-10): an execution failed, none succeeded for 25 hours. */
function exportAlerts(
  name: string,
  args: Pick<SecurityAlertsArgs, "project" | "labels">,
  workflow: string,
  channels: pulumi.Output<string>[],
  child: Child,
): void {
  for (const [suffix, condition, what] of [
    [
      "failed",
      failedExportCondition(workflow),
      "An execution of the export failed: today's immutable copy is missing.",
    ],
    [
      "stale",
      staleExportCondition(workflow),
      "No export has succeeded for 25 hours: the immutable copy is ageing.",
    ],
  ] as const)
    new gcp.monitoring.AlertPolicy(
      `${name}-${workflow}-${suffix}`,
      {
        project: args.project,
        displayName: `[resilience] ${condition.displayName}`,
        combiner: "OR",
        severity: "ERROR",
        conditions: [condition],
        notificationChannels: channels,
        documentation: alertDocumentation(
          `${what} Read the workflow's failed executions (gcloud workflows executions list ${workflow}).`,
          "https://github.com/qairopay/platform/blob/main/docs/backups.md",
        ),
        userLabels: args.labels,
      },
      child,
    );
}
