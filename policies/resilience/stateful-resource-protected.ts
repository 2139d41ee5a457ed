import { anyResourcePolicy } from "../lib/define";

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

export const statefulResourceProtected = anyResourcePolicy(
  {
    name: "stateful-resource-protected",
    description:
      "Stateful resources (databases, caches, keys, log buckets, clusters) are protected against deletion by a deployment.",
    controls: ["RES-05"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Add the resource option protect: true (and the service's own deletion protection where it has one).",
  },
  (resource) =>
    STATEFUL_TYPES.includes(resource.type) && !resource.protect
      ? [{ problem: "protect is false", fix: "add the resource option protect: true" }]
      : [],
);
