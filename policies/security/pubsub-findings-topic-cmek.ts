import { auditBuckets } from "../audit/audit";
import { Finding, stackPolicy } from "../lib/define";
import { findingsTopics } from "../lib/detection";
import { ALLOWED_REGIONS, parseKeyId } from "../lib/gcp";

export const pubsubFindingsTopicCmek = stackPolicy(
  {
    name: "pubsub-findings-topic-cmek",
    description:
      "The topic Security Command Center's findings go to lives in the logging project, is encrypted with a customer-managed key, and keeps messages only in the key's serving region.",
    controls: ["DET-02", "ENC-01", "ENC-02"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Create the findings topic in the logging project with kmsKeyName set to the audit ring's scc-findings key and messageStoragePolicy.allowedPersistenceRegions set to that key's region.",
  },
  (resources) => {
    const bucket = auditBuckets(resources)[0];
    if (!bucket) return [];
    const findings: Finding[] = [];
    for (const topic of findingsTopics(resources)) {
      if (topic.props.project !== bucket.props.project)
        findings.push({
          urn: topic.urn,
          problem: `it is in project ${String(topic.props.project)}, not the logging project ${String(bucket.props.project)}`,
          fix: "create it in the logging project, which no application can write to (LOG-01)",
        });
      const key = parseKeyId(topic.props.kmsKeyName);
      const regions = ((
        topic.props.messageStoragePolicy as { allowedPersistenceRegions?: string[] } | undefined
      )?.allowedPersistenceRegions ?? []) as string[];
      if (!key)
        findings.push({
          urn: topic.urn,
          problem: "kmsKeyName is not a customer-managed key",
          fix: "set it to the scc-findings key",
        });
      else if (regions.length !== 1 || regions[0] !== key.location || !ALLOWED_REGIONS.includes(key.location))
        findings.push({
          urn: topic.urn,
          problem: `messages may be stored in ${JSON.stringify(regions)}, not only in its key's serving region ${key.location}`,
          fix: `set messageStoragePolicy.allowedPersistenceRegions: ["${key.location}"]`,
        });
    }
    return findings;
  },
);
