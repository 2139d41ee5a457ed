import { mockProjectNumber } from "../../engine/gcpMocks";
import { addResource, editResource, removeResource } from "../mutate";
import type { PolicyCase } from "./policyCases";

/**
 * The ways detection (DET-01, DET-02) breaks: a project left unwatched, a module switched off,
 * widened or rewritten, findings filtered away, sent elsewhere, never granted or never paged.
 */
const config = (p: Record<string, unknown>) => p.streamingConfig as Record<string, unknown>;
const customConfig = (p: Record<string, unknown>) =>
  p.customConfig as {
    predicate: { expression: string };
    resourceSelector: { resourceTypes: string[] };
    severity: string;
  };

export const DETECTION_CASES: PolicyCase[] = [
  {
    policy: "scc-notification-config-every-project",
    title: "the findings alert's only channel disabled: it pages nobody, and says so",
    mutate: (rs) =>
      editResource(
        "prod-logging-alerts-pagerduty",
        (p) => (p.enabled = false),
      )(
        editResource(
          "prod-findings-alert",
          (p) => (p.notificationChannels = [(p.notificationChannels as string[])[2]]),
        )(rs),
      ),
    on: "prod-findings-topic",
    message:
      '[DET-02] gcp:pubsub/topic:Topic "prod-findings-topic": alert policy prod-findings-alert pages nobody: its channel(s) prod-logging-alerts-pagerduty (disabled). Fix: re-enable them or name a channel the stack declares (components/securityAlerts.ts)',
  },
  {
    policy: "scc-notification-config-every-project",
    title: "a project whose findings go nowhere",
    mutate: removeResource("prod-findings-kms"),
    on: "prod-audit-log-bucket",
    message:
      '[DET-02] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": project qp-prod-kms exports no Security Command Center findings (no notification config). Fix: add a V2ProjectNotificationConfig in it to the findings topic',
  },
  {
    policy: "scc-notification-config-every-project",
    title: "findings filtered down to critical ones",
    mutate: editResource(
      "prod-findings-cde",
      (p) => (config(p).filter = 'state="ACTIVE" AND severity="CRITICAL"'),
    ),
    on: "prod-findings-cde",
    message:
      '[DET-02] gcp:securitycenter/v2ProjectNotificationConfig:V2ProjectNotificationConfig "prod-findings-cde": filter "state=\\"ACTIVE\\" AND severity=\\"CRITICAL\\"" leaves out HIGH findings. Fix: use state="ACTIVE" AND (severity="HIGH" OR severity="CRITICAL")',
  },
  {
    policy: "scc-notification-config-every-project",
    title: "muted findings excluded from the notifications",
    mutate: editResource(
      "prod-findings-platform",
      (p) =>
        (config(p).filter = 'state="ACTIVE" AND mute!="MUTED" AND (severity="HIGH" OR severity="CRITICAL")'),
    ),
    on: "prod-findings-platform",
    message:
      '[DET-02] gcp:securitycenter/v2ProjectNotificationConfig:V2ProjectNotificationConfig "prod-findings-platform": filter "state=\\"ACTIVE\\" AND mute!=\\"MUTED\\" AND (severity=\\"HIGH\\" OR severity=\\"CRITICAL\\")" narrows the findings by more than severity. Fix: use state="ACTIVE" AND (severity="HIGH" OR severity="CRITICAL")',
  },
  {
    policy: "scc-notification-config-every-project",
    title: "findings published to a topic outside the logging project",
    mutate: editResource(
      "prod-findings-cde",
      (p) => (p.pubsubTopic = "projects/qp-prod-cde/topics/scc-findings"),
    ),
    on: "prod-findings-cde",
    message:
      '[DET-02] gcp:securitycenter/v2ProjectNotificationConfig:V2ProjectNotificationConfig "prod-findings-cde": it publishes to "projects/qp-prod-cde/topics/scc-findings", not a topic of the logging project qp-prod-logging. Fix: publish to the findings topic of the logging project',
  },
  {
    policy: "scc-notification-config-every-project",
    title: "the notification agent never allowed to publish",
    mutate: removeResource("prod-findings-publisher-shared"),
    on: "prod-findings-topic",
    message:
      '[DET-02] gcp:pubsub/topic:Topic "prod-findings-topic": the notification agent serviceAccount:service-org-418726350912@gcp-sa-scc-notification.iam.gserviceaccount.com may not publish to it: the findings of prod-findings-platform, prod-findings-cde, prod-findings-kms, prod-findings-logging are dropped. Fix: grant the agent roles/pubsub.publisher on the topic',
  },
  {
    policy: "scc-notification-config-every-project",
    title: "the findings alert switched off",
    mutate: editResource("prod-findings-alert", (p) => (p.enabled = false)),
    on: "prod-findings-topic",
    message:
      '[DET-02] gcp:pubsub/topic:Topic "prod-findings-topic": no enabled alert policy with a notification channel pages on its messages (a condition on its send_message_operation_count, COMPARISON_GT, threshold 0). Fix: alert on pubsub.googleapis.com/topic/send_message_operation_count of the topic',
  },
  {
    policy: "pubsub-findings-topic-cmek",
    title: "a findings topic on Google-managed encryption",
    mutate: editResource("prod-findings-topic", (p) => delete p.kmsKeyName),
    on: "prod-findings-topic",
    message:
      '[DET-02, ENC-01, ENC-02] gcp:pubsub/topic:Topic "prod-findings-topic": kmsKeyName is not a customer-managed key. Fix: set it to the scc-findings key',
  },
  {
    policy: "pubsub-findings-topic-cmek",
    title: "findings stored in any region",
    mutate: editResource("prod-findings-topic", (p) => delete p.messageStoragePolicy),
    on: "prod-findings-topic",
    message:
      '[DET-02, ENC-01, ENC-02] gcp:pubsub/topic:Topic "prod-findings-topic": messages may be stored in [], not only in its key\'s serving region us-central1. Fix: set messageStoragePolicy.allowedPersistenceRegions: ["us-central1"]',
  },
  {
    policy: "pubsub-managed-publisher-topic-reachable",
    title: "findings refused when published outside the topic's region",
    mutate: editResource(
      "prod-findings-topic",
      (p) => ((p.messageStoragePolicy as Record<string, unknown>).enforceInTransit = true),
    ),
    on: "prod-findings-topic",
    message:
      '[DET-02] gcp:pubsub/topic:Topic "prod-findings-topic": messageStoragePolicy.enforceInTransit is true: Pub/Sub refuses publishes received outside ["us-central1"], so what prod-findings-platform, prod-findings-cde, prod-findings-kms, prod-findings-logging publish from Google\'s own regions is lost. Fix: drop enforceInTransit and keep allowedPersistenceRegions',
  },
  {
    policy: "pubsub-managed-publisher-topic-reachable",
    title: "a log sink's topic enforcing its region in transit",
    mutate: (resources) =>
      addResource({
        type: "gcp:logging/projectSink:ProjectSink",
        name: "cde-errors-to-topic",
        inputs: {
          project: "qp-prod-cde",
          name: "cde-errors",
          destination: "pubsub.googleapis.com/projects/qp-prod-logging/topics/cde-errors",
          filter: "severity>=ERROR",
        },
      })(
        addResource({
          type: "gcp:pubsub/topic:Topic",
          name: "cde-errors-topic",
          inputs: {
            project: "qp-prod-logging",
            name: "cde-errors",
            messageStoragePolicy: { allowedPersistenceRegions: ["us-east1"], enforceInTransit: true },
          },
        })(resources),
      ),
    on: "cde-errors-topic",
    message:
      '[DET-02] gcp:pubsub/topic:Topic "cde-errors-topic": messageStoragePolicy.enforceInTransit is true: Pub/Sub refuses publishes received outside ["us-east1"], so what cde-errors-to-topic publish from Google\'s own regions is lost. Fix: drop enforceInTransit and keep allowedPersistenceRegions',
  },
  {
    policy: "scc-health-modules-deployed",
    title: "a custom module disabled",
    mutate: editResource(
      "prod-health-modules-cde-qairopay_sql_instance_public_or_plaintext",
      (p) => (p.enablementState = "DISABLED"),
    ),
    on: "prod-health-modules-cde-qairopay_sql_instance_public_or_plaintext",
    message:
      '[DET-01] gcp:securitycenter/managementProjectSecurityHealthAnalyticsCustomModule:ManagementProjectSecurityHealthAnalyticsCustomModule "prod-health-modules-cde-qairopay_sql_instance_public_or_plaintext": qairopay_sql_instance_public_or_plaintext: enablementState is "DISABLED". Fix: deploy the module exactly as the catalogue states it, enabled',
  },
  {
    policy: "scc-health-modules-deployed",
    title: "a custom module's predicate rewritten to find nothing",
    mutate: editResource(
      "prod-health-modules-kms-qairopay_kms_cardholder_key_hsm",
      (p) => (customConfig(p).predicate.expression = "false"),
    ),
    on: "prod-health-modules-kms-qairopay_kms_cardholder_key_hsm",
    message:
      '[DET-01] gcp:securitycenter/managementProjectSecurityHealthAnalyticsCustomModule:ManagementProjectSecurityHealthAnalyticsCustomModule "prod-health-modules-kms-qairopay_kms_cardholder_key_hsm": qairopay_kms_cardholder_key_hsm: its predicate differs from the catalogue\'s. Fix: deploy the module exactly as the catalogue states it, enabled',
  },
  {
    policy: "scc-health-modules-deployed",
    title: "a custom module scanning another resource type, at low severity",
    mutate: editResource("prod-health-modules-platform-qairopay_firewall_internet_ingress", (p) => {
      customConfig(p).resourceSelector.resourceTypes = ["compute.googleapis.com/Route"];
      customConfig(p).severity = "LOW";
    }),
    on: "prod-health-modules-platform-qairopay_firewall_internet_ingress",
    message:
      '[DET-01] gcp:securitycenter/managementProjectSecurityHealthAnalyticsCustomModule:ManagementProjectSecurityHealthAnalyticsCustomModule "prod-health-modules-platform-qairopay_firewall_internet_ingress": qairopay_firewall_internet_ingress: it scans ["compute.googleapis.com/Route"], not ["compute.googleapis.com/Firewall"]; its severity is "LOW", not CRITICAL. Fix: deploy the module exactly as the catalogue states it, enabled',
  },
  {
    policy: "scc-health-modules-deployed",
    title: "a project left without a custom module",
    mutate: removeResource("prod-health-modules-cde-qairopay_sql_instance_cmek"),
    on: "prod-cde-sqladmin",
    message:
      '[DET-01] gcp:projects/service:Service "prod-cde-sqladmin": project qp-prod-cde enables sqladmin.googleapis.com but no enabled qairopay_sql_instance_cmek module watches its sqladmin.googleapis.com/Instance resources. Fix: deploy qairopay_sql_instance_cmek in the project, or on its folder',
  },
  {
    policy: "logging-project-isolation",
    title: "another project's service agent given a role in the logging project",
    mutate: addResource({
      type: "gcp:projects/iAMMember:IAMMember",
      name: "cde-pubsub-agent-in-logging",
      inputs: {
        project: "qp-prod-logging",
        role: "roles/pubsub.serviceAgent",
        member: `serviceAccount:service-${mockProjectNumber("qp-prod-cde")}@gcp-sa-pubsub.iam.gserviceaccount.com`,
      },
    }),
    on: "cde-pubsub-agent-in-logging",
    message: `[LOG-01] gcp:projects/iAMMember:IAMMember "cde-pubsub-agent-in-logging": serviceAccount:service-102116835757@gcp-sa-pubsub.iam.gserviceaccount.com holds roles/pubsub.serviceAgent in logging project qp-prod-logging. Fix: remove it; only sink writers (bucketWriter on the audit bucket), auditors (viewAccessor on the audit bucket's view) and the project's own service agents (their service-agent role) belong here`,
  },
  {
    policy: "logging-project-isolation",
    title: "the logging project's Pub/Sub agent given an administrator's role",
    mutate: editResource("prod-logging-agents-pubsub-role", (p) => (p.role = "roles/pubsub.admin")),
    on: "prod-logging-agents-pubsub-role",
    message: `[LOG-01] gcp:projects/iAMMember:IAMMember "prod-logging-agents-pubsub-role": serviceAccount:service-100543772903@gcp-sa-pubsub.iam.gserviceaccount.com holds roles/pubsub.admin in logging project qp-prod-logging. Fix: remove it; only sink writers (bucketWriter on the audit bucket), auditors (viewAccessor on the audit bucket's view) and the project's own service agents (their service-agent role) belong here`,
  },
];
