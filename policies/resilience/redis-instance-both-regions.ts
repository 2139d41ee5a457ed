import { Finding, stackPolicy } from "../lib/define";
import { ALLOWED_REGIONS } from "../lib/gcp";

export const redisBothRegions = stackPolicy(
  {
    name: "redis-instance-both-regions",
    description: "A STANDARD_HA Memorystore for Redis instance serves in each of the two regions.",
    controls: ["RES-03", "RES-01"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Keep one RedisCache per serving region (platform/build.ts).",
  },
  (resources) => {
    const redis = resources.filter((r) => r.type === "gcp:redis/instance:Instance");
    if (redis.length === 0) return [];
    const findings: Finding[] = [];
    for (const region of ALLOWED_REGIONS) {
      if (!redis.some((r) => r.props.region === region && r.props.tier === "STANDARD_HA")) {
        findings.push({
          urn: redis[0].urn,
          problem: `no STANDARD_HA Redis instance in ${region}`,
          fix: `add a STANDARD_HA instance in ${region}`,
        });
      }
    }
    return findings;
  },
);
