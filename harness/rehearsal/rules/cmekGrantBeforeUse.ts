import { CapturedResource } from "../../model";
import { parseAgent } from "../facts/serviceAgents";
import { grantMembers, projectName } from "../lookup";
import { Finding, label, RehearsalContext, RehearsalRule } from "../model";
import { plain } from "../../deployment";

/** Where each CMEK-encrypted type names its key, and whose service agent encrypts with it. */
export const CMEK_USES: Record<string, { path: string; agentDomain: string }[]> = {
  "gcp:sql/databaseInstance:DatabaseInstance": [
    { path: "encryptionKeyName", agentDomain: "gcp-sa-cloud-sql.iam.gserviceaccount.com" },
  ],
  "gcp:redis/instance:Instance": [
    { path: "customerManagedKey", agentDomain: "cloud-redis.iam.gserviceaccount.com" },
  ],
  "gcp:container/cluster:Cluster": [
    { path: "databaseEncryption.keyName", agentDomain: "container-engine-robot.iam.gserviceaccount.com" },
    {
      path: "clusterAutoscaling.autoProvisioningDefaults.bootDiskKmsKey",
      agentDomain: "compute-system.iam.gserviceaccount.com",
    },
  ],
  "gcp:logging/projectBucketConfig:ProjectBucketConfig": [
    { path: "cmekSettings.kmsKeyName", agentDomain: "gcp-sa-logging.iam.gserviceaccount.com" },
  ],
  "gcp:artifactregistry/repository:Repository": [
    { path: "kmsKeyName", agentDomain: "gcp-sa-artifactregistry.iam.gserviceaccount.com" },
  ],
  "gcp:secretmanager/secret:Secret": [
    {
      path: "replication.userManaged.replicas.*.customerManagedEncryption.kmsKeyName",
      agentDomain: "gcp-sa-secretmanager.iam.gserviceaccount.com",
    },
  ],
};

const KEY_ROLES = new Set([
  "roles/cloudkms.cryptoKeyEncrypterDecrypter",
  "roles/cloudkms.cryptoKeyEncrypter",
]);

/** Values at a dotted path; `*` walks every element of an array. */
export function valuesAt(value: unknown, path: string[]): unknown[] {
  if (!path.length) return [value];
  if (value === null || typeof value !== "object") return [];
  const [head, ...rest] = path;
  if (head === "*") return Array.isArray(value) ? value.flatMap((v) => valuesAt(v, rest)) : [];
  return valuesAt((value as Record<string, unknown>)[head], rest);
}

/** Grants of encrypt/decrypt on `key` (or its ring) to an agent of `domain` serving `project`. */
export function keyGrants(
  ctx: RehearsalContext,
  key: string,
  domain: string,
  project: string,
): CapturedResource[] {
  const ring = key.replace(/\/cryptoKeys\/[^/]+$/, "");
  return ctx.resources.filter((g) => {
    const target = g.inputs.cryptoKeyId ?? g.inputs.keyRingId;
    if ((target !== key && target !== ring) || !KEY_ROLES.has(String(g.inputs.role))) return false;
    return grantMembers(g).some((m) => {
      const agent = parseAgent(m);
      if (!agent || agent.domain !== domain) return false;
      const owner = ctx.stack.projectNumbers.get(agent.number);
      return owner === undefined || owner === project;
    });
  });
}

/** A CMEK-encrypted resource waits until its service agent may use the key. */
export const cmekGrantBeforeUse: RehearsalRule = {
  id: "cmek-grant-before-use",
  description:
    "A resource encrypted with a customer-managed key is created only after the service agent that encrypts for it holds encrypt/decrypt on that key: Google checks the grant at create time.",
  sources: [
    "https://cloud.google.com/sql/docs/postgres/configure-cmek#grantkey",
    "https://cloud.google.com/memorystore/docs/redis/cmek",
    "https://cloud.google.com/kubernetes-engine/docs/how-to/encrypting-secrets",
    "https://cloud.google.com/logging/docs/routing/managed-encryption-storage",
  ],
  check(ctx) {
    const findings: Finding[] = [];
    for (const r of ctx.resources) {
      const uses = CMEK_USES[r.type];
      if (!uses) continue;
      const project = projectName(ctx, r) ?? "";
      for (const use of uses) {
        for (const key of valuesAt(plain(r.inputs), use.path.split("."))) {
          if (typeof key !== "string" || !key) continue;
          const grants = keyGrants(ctx, key, use.agentDomain, project);
          if (grants.some((g) => ctx.order.precedes(g.urn, r.urn))) continue;
          const agent = use.agentDomain.split(".")[0];
          findings.push({
            rule: this.id,
            urn: r.urn,
            severity: "error",
            message: grants.length
              ? `${label(r)} encrypts with ${key} (${use.path}); the grant to its ${agent} agent (${grants[0].name}) exists but nothing orders it first, so the create can fail with a KMS permission error. Depend on ${grants[0].name}.`
              : `${label(r)} encrypts with ${key} (${use.path}), but no grant gives the ${agent} agent of ${project} encrypt/decrypt on that key: the create fails. Grant roles/cloudkms.cryptoKeyEncrypterDecrypter on the key and depend on it.`,
          });
        }
      }
    }
    return findings;
  },
};
