import { anyResourcePolicy, Finding } from "../lib/define";

/** Types whose loss is data loss: databases, caches, keys, log buckets, clusters. */
export const STATEFUL_TYPES = [
  "gcp:sql/databaseInstance:DatabaseInstance",
  "gcp:redis/instance:Instance",
  "gcp:kms/keyRing:KeyRing",
  "gcp:kms/cryptoKey:CryptoKey",
  "gcp:logging/projectBucketConfig:ProjectBucketConfig",
  "gcp:storage/bucket:Bucket",
  "gcp:container/cluster:Cluster",
];

/** The service's own deletion guard, per type: what a `pulumi destroy` or a replacement runs into. */
function deletionGuards(type: string, props: Record<string, unknown>): Finding[] {
  const findings: Finding[] = [];
  const settings = (props.settings ?? {}) as { deletionProtectionEnabled?: boolean };
  if (type === "gcp:sql/databaseInstance:DatabaseInstance") {
    if (props.deletionProtection === false)
      findings.push({ problem: "deletionProtection is false", fix: "set deletionProtection: true" });
    if (settings.deletionProtectionEnabled !== true)
      findings.push({
        problem: `settings.deletionProtectionEnabled is ${JSON.stringify(settings.deletionProtectionEnabled ?? null)}`,
        fix: "set settings.deletionProtectionEnabled: true",
      });
  }
  if (type === "gcp:container/cluster:Cluster" && props.deletionProtection !== true)
    findings.push({
      problem: `deletionProtection is ${JSON.stringify(props.deletionProtection ?? null)}`,
      fix: "set deletionProtection: true",
    });
  if (type === "gcp:kms/cryptoKey:CryptoKey" && (props.deletionPolicy ?? "DELETE") === "DELETE")
    findings.push({
      problem: `deletionPolicy is ${JSON.stringify(props.deletionPolicy ?? "DELETE")}: deleting the resource destroys every key version`,
      fix: 'set deletionPolicy: "PREVENT"',
    });
  return findings;
}

/**
 * Every guard against deleting state, in one policy: Pulumi's `protect`, retention on delete for
 * keys, and the service's own deletion protection. An environment that is destroyed by design
 * (staging, `ephemeral: true`) disables exactly this policy in its policy configuration.
 */
export const statefulResourceProtected = anyResourcePolicy(
  {
    name: "stateful-resource-protected",
    description:
      "Stateful resources (databases, caches, keys, log buckets, clusters) are protected against deletion by a deployment: Pulumi's protect, and the service's own deletion protection.",
    controls: ["RES-05", "ENC-05"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Add the resource option protect: true (retainOnDelete: true for keys) and the service's own deletion protection: Cloud SQL deletionProtection and settings.deletionProtectionEnabled, GKE deletionProtection, KMS deletionPolicy PREVENT.",
  },
  (resource) => {
    if (!STATEFUL_TYPES.includes(resource.type)) return [];
    const findings: Finding[] = [];
    if (!resource.protect)
      findings.push({ problem: "protect is false", fix: "add the resource option protect: true" });
    return [...findings, ...deletionGuards(resource.type, resource.props)];
  },
);
