import * as gcp from "@pulumi/gcp";
import { Finding, resourcePolicy } from "../lib/define";
import { ALLOWED_REGIONS, parseKeyId } from "../lib/gcp";

interface Replica {
  location?: string;
  customerManagedEncryption?: { kmsKeyName?: string };
}

export const secretCmekRegions = resourcePolicy<gcp.secretmanager.SecretArgs>(
  {
    name: "secretmanager-secret-cmek-regions",
    description:
      "Every Secret Manager secret is replicated only to the serving regions, each replica encrypted with a customer-managed key of its own region.",
    controls: ["ENC-09", "ENC-02"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Use replication.userManaged with one replica per serving region (us-central1, us-east1), each with customerManagedEncryption.kmsKeyName of that region's secrets key.",
  },
  gcp.secretmanager.Secret,
  (secret) => {
    const replication = (secret.replication ?? {}) as {
      auto?: unknown;
      userManaged?: { replicas?: Replica[] };
    };
    const replicas = replication.userManaged?.replicas;
    if (!replicas?.length)
      return [
        {
          problem: "replication is automatic (Google chooses the regions and the key)",
          fix: "use userManaged replication to the serving regions, each replica with its region's key",
        },
      ];
    const findings: Finding[] = [];
    for (const r of replicas) {
      if (!ALLOWED_REGIONS.includes(String(r.location)))
        findings.push({
          problem: `a replica is in ${JSON.stringify(r.location ?? null)}, not a serving region`,
          fix: `replicate to ${ALLOWED_REGIONS.join(" and ")} only`,
        });
      const key = parseKeyId(r.customerManagedEncryption?.kmsKeyName);
      if (!key)
        findings.push({
          problem: `the ${String(r.location)} replica has no customer-managed key`,
          fix: `set customerManagedEncryption.kmsKeyName to the ${String(r.location)} secrets key`,
        });
      else if (key.location !== r.location)
        findings.push({
          problem: `the ${String(r.location)} replica is encrypted with a key in ${key.location}`,
          fix: `use the key of ${String(r.location)}`,
        });
    }
    return findings;
  },
);
