import * as gcp from "@pulumi/gcp";
import { Finding, resourcePolicy } from "../lib/define";
import { parseKeyId } from "../lib/gcp";

export const MIN_RETENTION_DAYS = 365;

export const loggingBucketLocked = resourcePolicy<gcp.logging.ProjectBucketConfigArgs>(
  {
    name: "logging-bucket-locked-cmek",
    description:
      "The audit log bucket is locked with at least 365 days of retention and encrypted with a customer-managed key of its location.",
    controls: ["LOG-02", "LOG-05", "ENC-01", "ENC-02"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Set locked: true, retentionDays of 365 or more, and cmekSettings.kmsKeyName to a key in the bucket's location.",
  },
  gcp.logging.ProjectBucketConfig,
  (bucket) => {
    const findings: Finding[] = [];
    if (bucket.locked !== true)
      findings.push({
        problem: `locked is ${JSON.stringify(bucket.locked ?? null)}`,
        fix: "set locked: true",
      });
    const retention = Number(bucket.retentionDays ?? 30);
    if (!(retention >= MIN_RETENTION_DAYS)) {
      findings.push({
        problem: `retentionDays is ${JSON.stringify(bucket.retentionDays ?? "30 (default)")}`,
        fix: `set retentionDays to ${MIN_RETENTION_DAYS} or more`,
      });
    }
    const key = parseKeyId((bucket.cmekSettings as { kmsKeyName?: unknown } | undefined)?.kmsKeyName);
    if (!key) {
      findings.push({
        problem: "cmekSettings.kmsKeyName is not a customer-managed key",
        fix: `set it to a Cloud KMS key in ${String(bucket.location)}`,
      });
    } else if (key.location !== bucket.location) {
      findings.push({
        problem: `cmekSettings.kmsKeyName is in ${key.location} but the bucket is in ${String(bucket.location)}`,
        fix: `use a key in ${String(bucket.location)}`,
      });
    }
    return findings;
  },
);
