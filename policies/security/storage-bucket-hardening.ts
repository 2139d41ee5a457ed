import * as gcp from "@pulumi/gcp";
import { Finding, resourcePolicy } from "../lib/define";
import { parseKeyId } from "../lib/gcp";

export const storageBucketHardening = resourcePolicy<gcp.storage.BucketArgs>(
  {
    name: "storage-bucket-hardening",
    description:
      "Every Cloud Storage bucket is encrypted with a customer-managed key of its location, uses uniform bucket-level access and enforces public access prevention.",
    controls: ["ENC-01", "ENC-02", "IAM-02"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Set encryption.defaultKmsKeyName to a key in the bucket's region, uniformBucketLevelAccess: true and publicAccessPrevention: enforced.",
  },
  gcp.storage.Bucket,
  (bucket) => {
    const findings: Finding[] = [];
    const location = String(bucket.location ?? "").toLowerCase();
    const key = parseKeyId(
      (bucket.encryption as { defaultKmsKeyName?: unknown } | undefined)?.defaultKmsKeyName,
    );
    if (!key) {
      findings.push({
        problem: "encryption.defaultKmsKeyName is not a customer-managed key",
        fix: `set it to a Cloud KMS key in ${location}`,
      });
    } else if (key.location !== location) {
      findings.push({
        problem: `encryption.defaultKmsKeyName is in ${key.location} but the bucket is in ${location}`,
        fix: `use a key in ${location}`,
      });
    }
    if (bucket.uniformBucketLevelAccess !== true) {
      findings.push({
        problem: `uniformBucketLevelAccess is ${JSON.stringify(bucket.uniformBucketLevelAccess ?? null)}`,
        fix: "set uniformBucketLevelAccess: true",
      });
    }
    if (bucket.publicAccessPrevention !== "enforced") {
      findings.push({
        problem: `publicAccessPrevention is ${JSON.stringify(bucket.publicAccessPrevention ?? "inherited")}`,
        fix: 'set publicAccessPrevention: "enforced"',
      });
    }
    return findings;
  },
);
