/** Readers of the detection resources (DET-01, DET-02), shared by their policies. */
import { PolicyResource } from "@pulumi/policy";

export const NOTIFICATION_CONFIG =
  "gcp:securitycenter/v2ProjectNotificationConfig:V2ProjectNotificationConfig";
export const TOPIC = "gcp:pubsub/topic:Topic";
export const PROJECT_MODULE =
  "gcp:securitycenter/managementProjectSecurityHealthAnalyticsCustomModule:ManagementProjectSecurityHealthAnalyticsCustomModule";
export const FOLDER_MODULE =
  "gcp:securitycenter/managementFolderSecurityHealthAnalyticsCustomModule:ManagementFolderSecurityHealthAnalyticsCustomModule";

/** `projects/P/topics/T` → its parts. */
export function parseTopicId(id: unknown): { project: string; topic: string } | undefined {
  const m = /^projects\/([^/]+)\/topics\/([^/]+)$/.exec(String(id ?? ""));
  return m ? { project: m[1], topic: m[2] } : undefined;
}

/** The topic resource a config publishes to, if the plan holds it. */
export function topicOf(resources: PolicyResource[], id: unknown): PolicyResource | undefined {
  const parsed = parseTopicId(id);
  return parsed
    ? resources.find(
        (r) => r.type === TOPIC && r.props.project === parsed.project && r.props.name === parsed.topic,
      )
    : undefined;
}

/** The topics Security Command Center's configs publish to: the findings topics. */
export function findingsTopics(resources: PolicyResource[]): PolicyResource[] {
  const ids = new Set(
    resources.filter((r) => r.type === NOTIFICATION_CONFIG).map((r) => String(r.props.pubsubTopic)),
  );
  return resources.filter((r) => r.type === TOPIC && [...ids].some((id) => topicOf([r], id)));
}
