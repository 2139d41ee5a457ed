import * as gcp from "@pulumi/gcp";
import { resourcePolicy } from "../lib/define";
import { parseKeyId } from "../lib/gcp";

export const sqlInstanceCmek = resourcePolicy<gcp.sql.DatabaseInstanceArgs>(
  {
    name: "sql-instance-cmek",
    description: "Every Cloud SQL instance is encrypted with a customer-managed key of its own region.",
    controls: ["ENC-01", "ENC-02"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Set encryptionKeyName to a Cloud KMS key (projects/P/locations/REGION/keyRings/R/cryptoKeys/K) in the instance's region.",
  },
  gcp.sql.DatabaseInstance,
  (instance) => {
    const key = parseKeyId(instance.encryptionKeyName);
    if (!key) {
      return [
        {
          problem: `encryptionKeyName is ${JSON.stringify(instance.encryptionKeyName ?? null)}, not a customer-managed key`,
          fix: `set encryptionKeyName to a Cloud KMS key in ${String(instance.region)}`,
        },
      ];
    }
    if (key.location !== instance.region) {
      return [
        {
          problem: `encryptionKeyName is in ${key.location} but the instance is in ${String(instance.region)}`,
          fix: `use the key of region ${String(instance.region)}`,
        },
      ];
    }
    return [];
  },
);
