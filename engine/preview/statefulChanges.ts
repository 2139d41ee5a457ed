import { ResourceChange } from "./diff";
import { GuardRule, ProposedUpdate } from "./proposedUpdate";

/**
 * The types whose replacement or deletion loses data or key material, with what is lost. A VPC
 * counts when anything depends on it (its subnets, peerings and private-IP databases go with it).
 */
export const STATEFUL_TYPES: Record<string, string> = {
  "gcp:sql/databaseInstance:DatabaseInstance": "a Cloud SQL instance and its data",
  "gcp:redis/instance:Instance": "a Memorystore instance and its data",
  "gcp:kms/cryptoKey:CryptoKey":
    "a KMS key: what it encrypted becomes unreadable, and its name is never reusable",
  "gcp:kms/keyRing:KeyRing": "a KMS key ring, which Cloud KMS never deletes: its name stays taken",
  "gcp:logging/projectBucketConfig:ProjectBucketConfig": "a log bucket and the audit log in it",
  "gcp:container/cluster:Cluster": "a GKE cluster and every workload on it",
  "gcp:organizations/project:Project": "a project, everything in it, and its id (never reusable)",
  "gcp:compute/network:Network": "a VPC network with its subnets and private connections",
  "gcp:storage/bucket:Bucket": "a Cloud Storage bucket and its objects",
  "gcp:secretmanager/secret:Secret": "a secret and its versions",
  "gcp:artifactregistry/repository:Repository": "an Artifact Registry repository and every image in it",
  "gcp:gkebackup/backupPlan:BackupPlan": "a Backup for GKE plan and the backups it holds",
};

/** Whether losing the resource loses what it holds (a network only while something uses it). */
export const isStateful = (c: ResourceChange, update: ProposedUpdate): boolean =>
  c.type in STATEFUL_TYPES && (c.type !== "gcp:compute/network:Network" || update.dependedOn.has(c.urn));

export const statefulReplace: GuardRule = {
  id: "stateful-replace",
  severity: "error",
  description:
    "A stateful resource (database, cache, key, key ring, log bucket, cluster, project, network in use, bucket, secret, repository, backup plan) would be replaced, losing what it holds.",
  sources: [
    "facts/google/replaceFields.ts: the fields whose change forces a replacement (magic-modules `immutable: true`, the provider's ForceNew)",
  ],
  check(update, report) {
    for (const c of update.changes)
      if (c.op === "replace" && isStateful(c, update))
        report.error(
          "stateful-replace",
          c,
          `would be replaced (deleted and created again), losing ${STATEFUL_TYPES[c.type]}, because ${c.replaceFields.join(", ")} changed. Change it back, or migrate the data deliberately outside this deployment.`,
        );
  },
};

export const statefulDelete: GuardRule = {
  id: "stateful-delete",
  severity: "error",
  description:
    "A stateful resource would be deleted; a rename or a move in the program needs an alias so the state follows it.",
  sources: [
    'https://www.pulumi.com/docs/iac/concepts/resources/options/aliases/: "add the old name to the list of aliases for a resource to ensure that existing resources will be migrated to the new name instead of being deleted and replaced"',
  ],
  check(update, report) {
    for (const c of update.changes)
      if (c.op === "delete" && isStateful(c, update))
        report.error(
          "stateful-delete",
          c,
          `would be deleted, losing ${STATEFUL_TYPES[c.type]}. If it was renamed or moved in the program, add an alias (pulumi.ResourceOptions.aliases) so the state follows it.`,
        );
  },
};
