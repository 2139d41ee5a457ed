/*
 * Where each CMEK-encrypted resource type names its Cloud KMS key, which Google service agent
 * encrypts with it, and whether Google checks that agent's grant when the resource is created.
 * One table for the policy `kms-service-agent-grants-exact` (every key named is granted to its
 * agent, and only those) and the rehearsal rule `cmek-grant-before-use` (the grant is ordered
 * before the create); test/facts.test.ts holds both to it. A leaf: it imports only other facts.
 * Paths are the Pulumi input names (camelCase of the provider's fields).
 */
import { ServiceAgentName } from "./serviceAgents";

export interface CmekKeyPath {
  /** Dotted path to the key in the resource's inputs; `*` walks every element of an array. */
  path: string;
  /** The service agent that encrypts with the key. */
  agent: ServiceAgentName;
  /**
   * Google uses the key, as that agent, while creating the resource: a grant that is not in
   * place yet fails the create. False where the key is first used later (by a backup job).
   */
  usedAtCreate: boolean;
  /** Where the fact comes from. */
  source: string;
}

/** Node boot disks are Compute Engine disks: its agent encrypts them (provider container_cluster.html.markdown `boot_disk_kms_key`). */
const GKE_BOOT_DISK = "https://cloud.google.com/kubernetes-engine/docs/how-to/using-cmek";

export const CMEK_KEY_PATHS: Readonly<Record<string, readonly CmekKeyPath[]>> = {
  "gcp:sql/databaseInstance:DatabaseInstance": [
    {
      path: "encryptionKeyName",
      agent: "cloud-sql",
      usedAtCreate: true,
      source: "https://cloud.google.com/sql/docs/postgres/configure-cmek#grantkey",
    },
  ],
  "gcp:redis/instance:Instance": [
    {
      path: "customerManagedKey",
      agent: "redis",
      usedAtCreate: true,
      source: "https://cloud.google.com/memorystore/docs/redis/cmek",
    },
  ],
  "gcp:container/cluster:Cluster": [
    {
      path: "databaseEncryption.keyName",
      agent: "gke",
      usedAtCreate: true,
      source: "https://cloud.google.com/kubernetes-engine/docs/how-to/encrypting-secrets",
    },
    // The default node pool's nodes boot from disks encrypted with this key while the cluster is created.
    { path: "nodeConfig.bootDiskKmsKey", agent: "compute", usedAtCreate: true, source: GKE_BOOT_DISK },
    {
      path: "clusterAutoscaling.autoProvisioningDefaults.bootDiskKmsKey",
      agent: "compute",
      usedAtCreate: true,
      source: GKE_BOOT_DISK,
    },
  ],
  "gcp:container/nodePool:NodePool": [
    { path: "nodeConfig.bootDiskKmsKey", agent: "compute", usedAtCreate: true, source: GKE_BOOT_DISK },
  ],
  "gcp:logging/projectBucketConfig:ProjectBucketConfig": [
    {
      path: "cmekSettings.kmsKeyName",
      agent: "logging",
      usedAtCreate: true,
      source: "https://cloud.google.com/logging/docs/routing/managed-encryption-storage",
    },
  ],
  "gcp:artifactregistry/repository:Repository": [
    {
      path: "kmsKeyName",
      agent: "artifact-registry",
      usedAtCreate: true,
      source: "https://cloud.google.com/artifact-registry/docs/cmek",
    },
  ],
  "gcp:secretmanager/secret:Secret": [
    {
      path: "replication.userManaged.replicas.*.customerManagedEncryption.kmsKeyName",
      agent: "secret-manager",
      usedAtCreate: true,
      source: "https://cloud.google.com/secret-manager/docs/cmek",
    },
  ],
  // "Before storing a DEK, the service sends the DEK to Cloud KMS to be encrypted with the key
  // encryption key (KEK) specified on the topic" (https://cloud.google.com/pubsub/docs/cmek); the
  // provider: the agent "must have roles/cloudkms.cryptoKeyEncrypterDecrypter to use this feature"
  // (magic-modules mmv1/products/pubsub/Topic.yaml, kmsKeyName).
  "gcp:pubsub/topic:Topic": [
    {
      path: "kmsKeyName",
      agent: "pubsub",
      usedAtCreate: true,
      source: "https://cloud.google.com/pubsub/docs/cmek",
    },
  ],
  // The plan's key is used by the cluster's GKE agent when a backup runs, not when the plan is
  // created ("bplan_key ... will be used when encrypting all backup artifacts").
  "gcp:gkebackup/backupPlan:BackupPlan": [
    {
      path: "backupConfig.encryptionKey.gcpKmsEncryptionKey",
      agent: "gke",
      usedAtCreate: false,
      source: "https://cloud.google.com/kubernetes-engine/docs/add-on/backup-for-gke/concepts/about-cmek",
    },
  ],
  // Google's steps grant the Cloud Storage agent the key before a bucket's default key is set, and
  // the provider's own acceptance test creates the bucket only after the grant (magic-modules
  // mmv1/third_party/terraform/services/storage/resource_storage_bucket_test.go,
  // testAccStorageBucket_encryption: depends_on = [google_kms_crypto_key_iam_member.iam]).
  "gcp:storage/bucket:Bucket": [
    {
      path: "encryption.defaultKmsKeyName",
      agent: "storage",
      usedAtCreate: true,
      source: "https://cloud.google.com/storage/docs/encryption/using-customer-managed-keys",
    },
  ],
};

/** Values at a dotted path; `*` walks every element of an array. */
export function valuesAt(value: unknown, path: string[]): unknown[] {
  if (!path.length) return [value];
  if (value === null || typeof value !== "object") return [];
  const [head, ...rest] = path;
  if (head === "*") return Array.isArray(value) ? value.flatMap((v) => valuesAt(v, rest)) : [];
  return valuesAt((value as Record<string, unknown>)[head], rest);
}

/** Every non-empty key a resource of `type` names in `inputs`, with the path it was found at. */
export function cmekKeysOf(type: string, inputs: unknown): { key: string; use: CmekKeyPath }[] {
  return (CMEK_KEY_PATHS[type] ?? []).flatMap((use) =>
    valuesAt(inputs, use.path.split("."))
      .filter((key): key is string => typeof key === "string" && key !== "")
      .map((key) => ({ key, use })),
  );
}
