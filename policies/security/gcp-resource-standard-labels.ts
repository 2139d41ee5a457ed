import { anyResourcePolicy } from "../lib/define";

/** Where each labelled type keeps its labels. */
export const LABEL_FIELDS: Record<string, (p: Record<string, unknown>) => unknown> = {
  "gcp:sql/databaseInstance:DatabaseInstance": (p) =>
    (p.settings as { userLabels?: unknown } | undefined)?.userLabels,
  "gcp:redis/instance:Instance": (p) => p.labels,
  "gcp:kms/cryptoKey:CryptoKey": (p) => p.labels,
  "gcp:organizations/project:Project": (p) => p.labels,
  "gcp:storage/bucket:Bucket": (p) => p.labels,
  "gcp:container/cluster:Cluster": (p) => p.resourceLabels,
  "gcp:artifactregistry/repository:Repository": (p) => p.labels,
  "gcp:compute/globalAddress:GlobalAddress": (p) => p.labels,
  "gcp:compute/securityPolicy:SecurityPolicy": (p) => p.labels,
  "gcp:certificatemanager/certificate:Certificate": (p) => p.labels,
  "gcp:certificatemanager/certificateMap:CertificateMap": (p) => p.labels,
  "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry": (p) => p.labels,
  "gcp:certificatemanager/dnsAuthorization:DnsAuthorization": (p) => p.labels,
  "gcp:dns/managedZone:ManagedZone": (p) => p.labels,
  "gcp:gkehub/feature:Feature": (p) => p.labels,
  "gcp:monitoring/notificationChannel:NotificationChannel": (p) => p.userLabels,
  "gcp:monitoring/alertPolicy:AlertPolicy": (p) => p.userLabels,
  "gcp:pubsub/topic:Topic": (p) => p.labels,
  "gcp:gkebackup/backupPlan:BackupPlan": (p) => p.labels,
  "gcp:gkebackup/restorePlan:RestorePlan": (p) => p.labels,
  "gcp:workflows/workflow:Workflow": (p) => p.labels,
};
const DATA_CLASSES = ["tenant", "cardholder", "none"];

export const labelsStandard = anyResourcePolicy(
  {
    name: "gcp-resource-standard-labels",
    description:
      "Every resource that takes labels carries env, data-class (tenant, cardholder or none) and owner.",
    controls: ["GOV-02"],
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps: "Pass standardLabels(config, dataClass) from platform/labels.ts.",
  },
  (resource) => {
    const read = LABEL_FIELDS[resource.type];
    if (!read) return [];
    const labels = (read(resource.props) ?? {}) as Record<string, string>;
    const missing = ["env", "owner"].filter((k) => !labels[k]);
    if (!DATA_CLASSES.includes(labels["data-class"])) missing.push("data-class");
    return missing.length
      ? [
          {
            problem: `labels lack ${missing.join(", ")} (have ${JSON.stringify(labels)})`,
            fix: "add the standard labels",
          },
        ]
      : [];
  },
);
