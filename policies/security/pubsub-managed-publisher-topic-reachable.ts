import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";
import { topicOf } from "../lib/detection";

/**
 * Where a Google-managed publisher names the topic it writes to, by resource type: Security
 * Command Center's notification configs, log sinks (`pubsub.googleapis.com/projects/P/topics/T`),
 * Pub/Sub notification channels (`labels.topic`), bucket notifications and Secret Manager's
 * rotation topics. Those publishers run where Google runs them, not in our region.
 */
const TOPIC_REFERENCES: Record<string, (props: Record<string, unknown>) => unknown[]> = {
  "gcp:securitycenter/v2ProjectNotificationConfig:V2ProjectNotificationConfig": (p) => [p.pubsubTopic],
  "gcp:securitycenter/v2FolderNotificationConfig:V2FolderNotificationConfig": (p) => [p.pubsubTopic],
  "gcp:securitycenter/v2OrganizationNotificationConfig:V2OrganizationNotificationConfig": (p) => [
    p.pubsubTopic,
  ],
  "gcp:securitycenter/projectNotificationConfig:ProjectNotificationConfig": (p) => [p.pubsubTopic],
  "gcp:securitycenter/folderNotificationConfig:FolderNotificationConfig": (p) => [p.pubsubTopic],
  "gcp:securitycenter/notificationConfig:NotificationConfig": (p) => [p.pubsubTopic],
  "gcp:logging/projectSink:ProjectSink": (p) => [sinkTopic(p.destination)],
  "gcp:logging/folderSink:FolderSink": (p) => [sinkTopic(p.destination)],
  "gcp:logging/organizationSink:OrganizationSink": (p) => [sinkTopic(p.destination)],
  "gcp:logging/billingAccountSink:BillingAccountSink": (p) => [sinkTopic(p.destination)],
  "gcp:monitoring/notificationChannel:NotificationChannel": (p) =>
    p.type === "pubsub" ? [(p.labels as Record<string, unknown> | undefined)?.topic] : [],
  "gcp:storage/notification:Notification": (p) => [p.topic],
  "gcp:secretmanager/secret:Secret": (p) =>
    ((p.topics as { name?: unknown }[] | undefined) ?? []).map((t) => t.name),
};

function sinkTopic(destination: unknown): string | undefined {
  const m = /^pubsub\.googleapis\.com\/(projects\/[^/]+\/topics\/[^/]+)$/.exec(String(destination ?? ""));
  return m?.[1];
}

/** Each topic of the plan that a Google-managed publisher writes to, with the resources that do. */
export function managedPublisherTopics(resources: PolicyResource[]): Map<PolicyResource, PolicyResource[]> {
  const topics = new Map<PolicyResource, PolicyResource[]>();
  for (const r of resources) {
    const references = TOPIC_REFERENCES[r.type]?.(r.props) ?? [];
    for (const topic of references.map((id) => topicOf(resources, id))) {
      if (topic) topics.set(topic, [...(topics.get(topic) ?? []), r]);
    }
  }
  return topics;
}

/*
 * magic-modules mmv1/products/pubsub/Topic.yaml, enforceInTransit: "Pub/Sub will fail
 * topics.publish operations on this topic … in any region that is not in
 * allowedPersistenceRegions"; https://cloud.google.com/pubsub/docs/reference/error-codes,
 * FAILED_PRECONDITION: "A publish, pull, or streamingPull request was received in a region that
 * isn't allowed". Without it, "Messages published by publishers running in non-allowed Google
 * Cloud regions … are routed for storage in one of the allowed regions" (MessageStoragePolicy),
 * so allowedPersistenceRegions alone keeps residency and loses nothing.
 */
export const pubsubManagedPublisherTopicReachable = stackPolicy(
  {
    name: "pubsub-managed-publisher-topic-reachable",
    description:
      "A topic that Google-managed publishers write to (Security Command Center notifications, log sinks, Pub/Sub notification channels, bucket and secret notifications) does not enforce its storage regions in transit, which would reject their publishes from other regions and drop the messages silently.",
    controls: ["DET-02"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Remove messageStoragePolicy.enforceInTransit from the topic; keep allowedPersistenceRegions, which routes every publish to storage in the allowed regions.",
  },
  (resources) => {
    const findings: Finding[] = [];
    for (const [topic, publishers] of managedPublisherTopics(resources)) {
      const policy = topic.props.messageStoragePolicy as { enforceInTransit?: unknown } | undefined;
      if (policy?.enforceInTransit === true)
        findings.push({
          urn: topic.urn,
          problem: `messageStoragePolicy.enforceInTransit is true: Pub/Sub refuses publishes received outside ${JSON.stringify((topic.props.messageStoragePolicy as { allowedPersistenceRegions?: unknown }).allowedPersistenceRegions ?? [])}, so what ${publishers.map((p) => p.name).join(", ")} publish from Google's own regions is lost`,
          fix: "drop enforceInTransit and keep allowedPersistenceRegions",
        });
    }
    return findings;
  },
);
