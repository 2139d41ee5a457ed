import { shortUrn } from "../model";
import { errorAt, Finding } from "../rehearsal/model";
import { ResourceChange } from "./diff";

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

/**
 * Google names that a deletion does not free: a create that takes one of them fails with 409
 * ("already exists"). KMS: the provider never deletes a key ring or a key, it only forgets them
 * (resource_kms_key_ring.go, resource_kms_crypto_key.go), and "Deleted CryptoKey names can't be
 * reused" (https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings.cryptoKeys);
 * projects: an id "Cannot be in use or previously used; this includes deleted projects"
 * (https://cloud.google.com/resource-manager/reference/rest/v3/projects). Cloud SQL instance names
 * are reusable at once ("The deleted instance name can be reused immediately":
 * https://cloud.google.com/sql/docs/postgres/delete-instance), so they are not listed. Custom
 * constraints: "You can't create another custom constraint with the same name as a deleted custom
 * constraint" (https://cloud.google.com/binary-authorization/docs/cv-org-policy); their
 * resourceTypes force a replacement (magic-modules mmv1/products/orgpolicy/CustomConstraint.yaml).
 */
export const UNREUSABLE_NAMES: Record<string, { key: (i: Record<string, unknown>) => string; why: string }> =
  {
    "gcp:kms/keyRing:KeyRing": {
      key: (i) => `${i.project}/${i.location}/${i.name}`,
      why: "Cloud KMS never deletes a key ring, so its name stays taken",
    },
    "gcp:kms/cryptoKey:CryptoKey": {
      key: (i) => `${i.keyRing}/${i.name}`,
      why: "Cloud KMS never deletes a key, so its name stays taken",
    },
    "gcp:organizations/project:Project": {
      key: (i) => String(i.projectId),
      why: "a deleted project's id can never be used again",
    },
    "gcp:orgpolicy/customConstraint:CustomConstraint": {
      key: (i) => `${i.parent}/${i.name}`,
      why: "a deleted custom constraint's name can never be used again (give the constraint a new id)",
    },
  };

const LOGGING_BUCKET = "gcp:logging/projectBucketConfig:ProjectBucketConfig";
const BINAUTHZ_POLICY = "gcp:binaryauthorization/policy:Policy";
const ATTESTOR = "gcp:binaryauthorization/attestor:Attestor";
export const KUBERNETES_PROVIDER = "pulumi:providers:kubernetes";

interface Retention {
  locked: boolean;
  /** The values a lock freezes, by field; each may only grow once locked (`grows`), or never change. */
  values: Record<string, number>;
  grows: boolean;
  source: string;
}

/**
 * Retention policies that a lock makes irreversible (RES-10). Cloud Storage: "You cannot remove the
 * retention policy from the bucket. You cannot decrease the retention period", and a locked bucket is
 * deleted only when every object is past its retention (https://cloud.google.com/storage/docs/json_api/v1/buckets/lockRetentionPolicy).
 * Backup for GKE: "If set to True, no further update is allowed on this policy, including the locked
 * field itself" (magic-modules mmv1/products/gkebackup/BackupPlan.yaml, retentionPolicy.locked).
 */
export const LOCKED_RETENTION: Record<string, (inputs: Record<string, unknown>) => Retention> = {
  "gcp:storage/bucket:Bucket": (i) => {
    const r = (i.retentionPolicy ?? {}) as { isLocked?: boolean; retentionPeriod?: string };
    return {
      locked: r.isLocked === true,
      values: { retentionPeriod: Number(r.retentionPeriod ?? 0) },
      grows: true,
      source: "https://cloud.google.com/storage/docs/json_api/v1/buckets/lockRetentionPolicy",
    };
  },
  "gcp:gkebackup/backupPlan:BackupPlan": (i) => {
    const r = (i.retentionPolicy ?? {}) as {
      locked?: boolean;
      backupDeleteLockDays?: number;
      backupRetainDays?: number;
    };
    return {
      locked: r.locked === true,
      values: {
        backupDeleteLockDays: r.backupDeleteLockDays ?? 0,
        backupRetainDays: r.backupRetainDays ?? 0,
      },
      grows: false,
      source: "magic-modules mmv1/products/gkebackup/BackupPlan.yaml (retentionPolicy.locked)",
    };
  },
};

/**
 * A locked retention policy may not be removed, shortened or (Backup for GKE) changed at all, and
 * its resource may not be deleted or replaced; locking is irreversible, so it freezes only values
 * already deployed and observed — a lock in the same update that changes them is refused too.
 */
function retentionFindings(c: ResourceChange): string | undefined {
  const read = LOCKED_RETENTION[c.type];
  if (!read || !c.oldInputs) return undefined;
  const before = read(c.oldInputs);
  if (before.locked) {
    if (c.op === "delete" || c.op === "replace")
      return `its retention is locked: it would be ${c.op}d while it holds backups nobody may delete yet (${before.source}).`;
    const after = c.newInputs ? read(c.newInputs) : undefined;
    if (!after) return undefined;
    const changed = Object.keys(before.values).filter((k) =>
      before.grows ? after.values[k] < before.values[k] : after.values[k] !== before.values[k],
    );
    if (!after.locked || changed.length)
      return `its retention is locked (${before.source}); ${!after.locked ? "the lock would be removed" : `${changed.join(", ")} would ${before.grows ? "shrink" : "change"}`}, which Google refuses.`;
    return undefined;
  }
  const after = c.newInputs ? read(c.newInputs) : undefined;
  if (c.op === "update" && after?.locked) {
    const changed = Object.keys(after.values).filter((k) => after.values[k] !== before.values[k]);
    if (changed.length)
      return `it would be locked in the same update that changes ${changed.join(", ")}: a lock is irreversible, so lock only a retention already deployed and observed (one \`up\` to set it, the next to lock it).`;
  }
  return undefined;
}

export interface GuardContext {
  /** URNs that something depends on (in either state): a VPC with dependants is stateful. */
  dependedOn: Set<string>;
}

/**
 * What must never reach `pulumi up`: replacing or deleting a stateful resource, changing a
 * locked log bucket, taking a name Google does not give back, and requiring attestations nothing
 * running can have yet. One pure function for the offline preview (`rehearse --against`) and for the engine
 * events of a real preview (`failover --execute`).
 */
export function guardChanges(changes: ResourceChange[], context: GuardContext): Finding[] {
  const findings: Finding[] = [];
  const error = (rule: string, c: ResourceChange, message: string) =>
    findings.push(errorAt(rule, c, message));
  const stateful = (c: ResourceChange) =>
    c.type in STATEFUL_TYPES && (c.type !== "gcp:compute/network:Network" || context.dependedOn.has(c.urn));

  for (const c of changes) {
    // A real preview's events carry the providers' own steps (the offline diff compares their
    // kubeconfigs instead: kubernetesProviders.ts).
    if (c.type === KUBERNETES_PROVIDER && c.op === "replace")
      error(
        "kubernetes-provider-replaced",
        c,
        `would be replaced${c.replaceFields.length ? ` (${c.replaceFields.join(", ")} changed)` : ""}, which deletes and re-creates every Kubernetes object it manages (namespaces with their pods): pulumi-kubernetes provider/pkg/provider/provider.go, DiffConfig.`,
      );
    if (c.op === "replace" && stateful(c))
      error(
        "stateful-replace",
        c,
        `would be replaced (deleted and created again), losing ${STATEFUL_TYPES[c.type]}, because ${c.replaceFields.join(", ")} changed. Change it back, or migrate the data deliberately outside this deployment.`,
      );
    if (c.op === "delete" && stateful(c))
      error(
        "stateful-delete",
        c,
        `would be deleted, losing ${STATEFUL_TYPES[c.type]}. If it was renamed or moved in the program, add an alias (pulumi.ResourceOptions.aliases) so the state follows it.`,
      );
    if (c.type === LOGGING_BUCKET && c.oldInputs?.locked === true) {
      const touched = c.fields.filter((f) => f === "retentionDays" || f === "locked");
      if (c.op === "delete" || c.op === "replace" || touched.length)
        error(
          "locked-bucket",
          c,
          `is a locked log bucket ("The retention period on a locked bucket cannot be changed. Locked buckets may only be deleted if they are empty.": LogBucket.locked, https://cloud.google.com/logging/docs/reference/v2/rest/v2/billingAccounts.locations.buckets); ${c.op === "update" ? `${touched.join(", ")} would change` : `it would be ${c.op}d`}.`,
        );
    }
  }

  for (const c of changes) {
    const retention = retentionFindings(c);
    if (retention) error("locked-retention", c, retention);
  }

  for (const c of changes) {
    const had = (c.oldInputs?.cmekSettings as { kmsKeyName?: string } | undefined)?.kmsKeyName;
    const has = (c.newInputs?.cmekSettings as { kmsKeyName?: string } | undefined)?.kmsKeyName;
    if (c.type === LOGGING_BUCKET && c.op === "update" && had && !has)
      error(
        "in-place-rejected",
        c,
        `would lose its customer-managed key: "After a log bucket is created, you can't reconfigure the log bucket to change or remove CMEK" (https://cloud.google.com/logging/docs/routing/managed-encryption-storage), so the update fails.`,
      );
  }

  // Requiring attestations of an attestor that this same update creates: nothing running can have
  // been signed by it yet, so every pod GKE starts afterwards (a reschedule, a node upgrade) is
  // refused. A fresh stack creates its policy with it, which is fine: nothing runs yet.
  const requiresAttestation = (inputs?: Record<string, unknown>) =>
    (inputs?.defaultAdmissionRule as { evaluationMode?: string } | undefined)?.evaluationMode ===
    "REQUIRE_ATTESTATION";
  for (const c of changes) {
    if (c.type !== BINAUTHZ_POLICY || c.op !== "update") continue;
    if (!requiresAttestation(c.newInputs) || requiresAttestation(c.oldInputs)) continue;
    const created = changes.find(
      (a) => a.type === ATTESTOR && a.op === "create" && a.newInputs?.project === c.newInputs?.project,
    );
    if (created)
      error(
        "attestation-before-signing",
        c,
        `would require attestations of ${shortUrn(created.urn)}, which this same update creates: no image running in project ${String(c.newInputs?.project)} can be signed by it yet, and Binary Authorization would refuse every pod started afterwards. Deploy with imageAttestationEnforced: false first, sign the running images, then enforce (docs/artifact-registry.md).`,
      );
  }

  const freed = new Map<string, ResourceChange>();
  for (const c of changes)
    if ((c.op === "delete" || c.op === "replace") && c.oldInputs && UNREUSABLE_NAMES[c.type])
      freed.set(`${c.type}|${UNREUSABLE_NAMES[c.type].key(c.oldInputs)}`, c);
  for (const c of changes) {
    const rule = UNREUSABLE_NAMES[c.type];
    if (!rule || !c.newInputs || (c.op !== "create" && c.op !== "replace")) continue;
    const prior = freed.get(`${c.type}|${rule.key(c.newInputs)}`);
    if (prior && prior.urn !== c.urn)
      error(
        "name-reuse",
        c,
        `would be created with the name ${rule.key(c.newInputs)} that ${shortUrn(prior.urn)} holds: ${rule.why}. Keep the resource (alias the renamed one) or choose a new name.`,
      );
    else if (prior && c.op === "replace")
      error(
        "name-reuse",
        c,
        `its replacement would take the same name ${rule.key(c.newInputs)}: ${rule.why}.`,
      );
  }
  return findings;
}
