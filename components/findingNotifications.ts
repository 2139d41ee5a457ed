import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../vocabulary/regions";
import { StandardLabels } from "../vocabulary/labels";

/** The topic every project's findings go to, in the logging project. */
export const FINDINGS_TOPIC = "scc-findings";

/**
 * The findings that page on-call: active, high or critical. Muted findings are not excluded — a
 * mute would otherwise silence a finding before anyone saw it (streamingConfig.filter: "Restrictions
 * have the form <field> <operator> <value>", https://cloud.google.com/security-command-center/docs/how-to-api-filter-notifications).
 */
export const FINDINGS_FILTER = 'state="ACTIVE" AND (severity="HIGH" OR severity="CRITICAL")';

export interface FindingNotificationsArgs {
  /**
   * Protect the topic (`protect`); only an ephemeral environment turns it off.
   * @default true
   */
  protect?: boolean;
  /** The logging project, home of the topic and the alert. */
  loggingProject: pulumi.Input<string>;
  /** The projects whose findings are exported, by role: one notification config each. */
  projects: Record<string, pulumi.Input<string>>;
  /** Where the topic keeps messages, and its CMEK key of that region. */
  region: Region;
  kmsKeyName: pulumi.Input<string>;
  /**
   * Whether one notification agent serves every config: Security Command Center's agent is the
   * organisation's (`service-org-<number>@gcp-sa-scc-notification…`) when it is activated at the
   * organisation, a project's own when activated per project (cloud-foundation-fabric
   * modules/organization and modules/project service-agents.yaml, scc-notification).
   */
  sharedAgent: boolean;
  /** The logging project's notification channels. */
  notificationChannels: pulumi.Input<string>[];
  runbook: string;
  labels: StandardLabels;
  /** What the topic waits for: the key grant to Pub/Sub's agent, the APIs. */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
  /** What each project's config waits for (its Security Command Center API), by role. */
  configDependsOn?: Record<string, pulumi.Input<pulumi.Resource>[]>;
}

/**
 * High and critical findings to on-call (DET-02): a notification config in every project publishing
 * to one CMEK topic in the logging project, the notification agent allowed to publish there, and an
 * alert policy that pages on any message. The agent exists only once Security Command Center
 * creates it for a first config ("The service account that needs pubsub.topics.publish permission",
 * an output of the config: magic-modules mmv1/products/securitycenterv2/ProjectNotificationConfig.yaml),
 * so the grant takes the member from the config's output and follows it.
 */
export class FindingNotifications extends pulumi.ComponentResource {
  public readonly topic: gcp.pubsub.Topic;
  /** The notification agents the topic admits (one when shared); the perimeter admits them too. */
  public readonly publishers: pulumi.Output<string>[];

  constructor(name: string, args: FindingNotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:detection:FindingNotifications", name, {}, opts);
    const protect = args.protect ?? true;
    const topic = new gcp.pubsub.Topic(
      `${name}-topic`,
      {
        project: args.loggingProject,
        name: FINDINGS_TOPIC,
        kmsKeyName: args.kmsKeyName,
        // The key's region is the only one messages may be stored in (https://cloud.google.com/pubsub/docs/cmek).
        // Not enforceInTransit: Security Command Center publishes from wherever its agent runs, and
        // with it "Pub/Sub will fail topics.publish operations on this topic … in any region that is
        // not in allowedPersistenceRegions" (magic-modules mmv1/products/pubsub/Topic.yaml); without
        // it such publishes "are routed for storage in one of the allowed regions" (MessageStoragePolicy).
        // Policy pubsub-managed-publisher-topic-reachable.
        messageStoragePolicy: { allowedPersistenceRegions: [args.region] },
        // A week of findings to replay into a new subscription (docs/detection.md).
        messageRetentionDuration: "604800s",
        labels: args.labels,
      },
      { parent: this, protect, dependsOn: args.dependsOn },
    );
    const configs = Object.entries(args.projects).map(
      ([role, project]) =>
        new gcp.securitycenter.V2ProjectNotificationConfig(
          `${name}-${role}`,
          {
            project,
            location: "global",
            configId: FINDINGS_TOPIC,
            description: "High and critical findings to on-call (DET-02, docs/detection.md).",
            pubsubTopic: topic.id,
            streamingConfig: { filter: FINDINGS_FILTER },
          },
          { parent: this, dependsOn: args.configDependsOn?.[role] },
        ),
    );
    // One grant per distinct agent: two IAMMembers of the same member and role would each remove
    // the binding the other still needs when deleted.
    const grantees = args.sharedAgent ? configs.slice(0, 1) : configs;
    this.publishers = grantees.map((config) => pulumi.interpolate`serviceAccount:${config.serviceAccount}`);
    this.publishers.forEach(
      (member, i) =>
        new gcp.pubsub.TopicIAMMember(
          `${name}-publisher-${args.sharedAgent ? "shared" : Object.keys(args.projects)[i]}`,
          { project: args.loggingProject, topic: topic.name, role: "roles/pubsub.publisher", member },
          { parent: this, dependsOn: args.sharedAgent ? configs : [] },
        ),
    );
    new gcp.monitoring.AlertPolicy(
      `${name}-alert`,
      {
        project: args.loggingProject,
        displayName: "[security] High or critical Security Command Center finding",
        combiner: "OR",
        severity: "CRITICAL",
        conditions: [
          {
            displayName: "a finding published to the findings topic",
            conditionThreshold: {
              filter: pulumi.interpolate`resource.type="pubsub_topic" AND resource.labels.topic_id="${topic.name}" AND metric.type="pubsub.googleapis.com/topic/send_message_operation_count"`,
              comparison: "COMPARISON_GT",
              thresholdValue: 0,
              duration: "0s",
              aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_SUM" }],
              trigger: { count: 1 },
            },
          },
        ],
        notificationChannels: args.notificationChannels,
        documentation: {
          content: `A high or critical finding is active in one of the platform's projects.\n\nRunbook: ${args.runbook}`,
          mimeType: "text/markdown",
        },
        alertStrategy: { autoClose: "1800s" },
        userLabels: args.labels,
      },
      { parent: this },
    );
    this.topic = topic;
    this.registerOutputs({ topic, publishers: this.publishers });
  }
}
