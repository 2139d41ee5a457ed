import * as gcp from "@pulumi/gcp";
import { Finding, resourcePolicy } from "../lib/define";
import { parseKeyId } from "../lib/gcp";

export const redisInstanceHardening = resourcePolicy<gcp.redis.InstanceArgs>(
  {
    name: "redis-instance-hardening",
    description:
      "Memorystore for Redis is STANDARD_HA, uses TLS and AUTH, is encrypted with a key of its region and is reached only over private service access.",
    controls: ["RES-03", "ENC-07", "IAM-05", "ENC-01", "ENC-02", "NET-01"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Set tier STANDARD_HA, transitEncryptionMode SERVER_AUTHENTICATION, authEnabled true, connectMode PRIVATE_SERVICE_ACCESS and customerManagedKey to a key of the instance's region.",
  },
  gcp.redis.Instance,
  (redis) => {
    const findings: Finding[] = [];
    const expect = (field: string, have: unknown, want: unknown) => {
      if (have !== want)
        findings.push({
          problem: `${field} is ${JSON.stringify(have ?? null)}`,
          fix: `set ${field}: ${JSON.stringify(want)}`,
        });
    };
    expect("tier", redis.tier, "STANDARD_HA");
    expect("transitEncryptionMode", redis.transitEncryptionMode, "SERVER_AUTHENTICATION");
    expect("authEnabled", redis.authEnabled, true);
    expect("connectMode", redis.connectMode, "PRIVATE_SERVICE_ACCESS");
    const key = parseKeyId(redis.customerManagedKey);
    if (!key) {
      findings.push({
        problem: `customerManagedKey is ${JSON.stringify(redis.customerManagedKey ?? null)}`,
        fix: `set customerManagedKey to a Cloud KMS key in ${String(redis.region)}`,
      });
    } else if (key.location !== redis.region) {
      findings.push({
        problem: `customerManagedKey is in ${key.location} but the instance is in ${String(redis.region)}`,
        fix: `use the key of region ${String(redis.region)}`,
      });
    }
    return findings;
  },
);
