import { CapturedResource, isCloudResource, shortUrn } from "../model";
import { plain } from "../deployment";
import { ApplyOrder, providerUrn } from "../rehearsal/applyOrder";
import { errorAt, RehearsalFinding } from "../rehearsal/model";
import { denyPolicyDeployer } from "../rehearsal/rules/denyPolicyDeployer";
import { gatherStackFacts, StackFactInputs } from "../rehearsal/stackFacts";
import { runRules } from "../rule";
import { ResourceChange } from "./diff";
import { UNREUSABLE_NAMES } from "./nameReuse";

const RANDOM_TYPES = /^random:index\/random(Id|String|Pet|Integer):/;

/**
 * What stops a resource's delete, by type, beyond `protect`: the provider's and the API's own
 * deletion guards. Cloud SQL: the provider's `deletion_protection` (default true) and the API's
 * `settings.deletion_protection_enabled`; GKE: `deletion_protection` (default true); projects:
 * `deletion_policy` (default PREVENT); KMS keys: `deletion_policy` PREVENT refuses the delete
 * (terraform-provider-google resource_sql_database_instance.go, resource_container_cluster.go,
 * resource_google_project.go, resource_kms_crypto_key.go).
 */
function deletionGuard(r: CapturedResource): string | undefined {
  const i = plain(r.inputs) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  switch (r.type) {
    case "gcp:sql/databaseInstance:DatabaseInstance":
      if (i.deletionProtection !== false)
        return "deletionProtection is not false (the provider refuses the delete)";
      if (i.settings?.deletionProtectionEnabled)
        return "settings.deletionProtectionEnabled (Cloud SQL refuses the delete)";
      return undefined;
    case "gcp:container/cluster:Cluster":
      return i.deletionProtection !== false
        ? "deletionProtection is not false (the provider refuses the delete)"
        : undefined;
    case "gcp:organizations/project:Project":
      return (i.deletionPolicy ?? "PREVENT") === "PREVENT"
        ? "deletionPolicy PREVENT (the provider refuses the delete)"
        : undefined;
    case "gcp:kms/cryptoKey:CryptoKey":
      return i.deletionPolicy === "PREVENT"
        ? "deletionPolicy PREVENT (the provider refuses the delete)"
        : undefined;
    case "gcp:logging/projectBucketConfig:ProjectBucketConfig":
      return i.locked && !r.retainOnDelete
        ? 'a locked bucket ("Locked buckets may only be deleted if they are empty", LogBucket.locked)'
        : undefined;
    default:
      return undefined;
  }
}

/**
 * Whether a resource's name comes, through its inputs (or, for a Kubernetes object, its
 * provider's cluster), from a generated value that a rebuild renews: the resource then lives in a
 * place the next build names anew.
 */
function nameIsRegenerated(r: CapturedResource, byUrn: Map<string, CapturedResource>): boolean {
  const seen = new Set<string>();
  const sources = (x: CapturedResource) => [
    ...Object.values(x.propertyDependencies).flat(),
    ...(x.provider ? [providerUrn(x.provider)] : []),
  ];
  const walk = (x: CapturedResource): boolean =>
    sources(x).some((urn) => {
      if (seen.has(urn)) return false;
      seen.add(urn);
      const dep = byUrn.get(urn);
      return !!dep && (RANDOM_TYPES.test(dep.type) || walk(dep));
    });
  return walk(r);
}

/**
 * `pulumi destroy` rehearsed: everything deleted in reverse apply order; an error for each
 * resource whose delete would fail (protect, deletion guards, deny policies against the deployer),
 * and for each name the next `pulumi up` of the same program could not take again.
 */
export function rehearseDestroy(
  resources: CapturedResource[],
  facts: StackFactInputs = {},
): { changes: ResourceChange[]; findings: RehearsalFinding[] } {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const order = new ApplyOrder(resources);
  const doomed = resources.filter(isCloudResource);
  // Dependants go first: sort by the number of ancestors, most first.
  const sorted = [...doomed].sort((a, b) => order.ancestors(b.urn).size - order.ancestors(a.urn).size);
  const changes: ResourceChange[] = sorted.map((r) => ({
    urn: r.urn,
    type: r.type,
    op: "delete",
    fields: [],
    replaceFields: [],
    oldInputs: plain(r.inputs) as Record<string, unknown>,
    ...(r.retainOnDelete ? { retained: true } : {}),
  }));
  const findings: RehearsalFinding[] = [];
  const error = (rule: string, r: CapturedResource, message: string) =>
    findings.push(errorAt(rule, r, message));
  const abandonedPeerings = doomed.filter(
    (c) =>
      c.type === "gcp:servicenetworking/connection:Connection" &&
      (plain(c.inputs) as { deletionPolicy?: string }).deletionPolicy === "ABANDON",
  );
  for (const r of doomed) {
    if (r.protect)
      error(
        "destroy-protected",
        r,
        "is protected: `pulumi destroy` stops here. This environment's resources are meant to outlive it.",
      );
    // A retained resource is only forgotten: no API call, so no service guard stands in the way.
    const guard = r.retainOnDelete ? undefined : deletionGuard(r);
    if (guard) error("destroy-deletion-guard", r, `cannot be deleted: ${guard}.`);
    const peering = abandonedPeerings.find(
      (c) => c.dependencies.includes(r.urn) || Object.values(c.propertyDependencies).flat().includes(r.urn),
    );
    if (r.type === "gcp:compute/network:Network" && !r.retainOnDelete && peering)
      error(
        "destroy-deletion-guard",
        r,
        `cannot be deleted: ${shortUrn(peering.urn)} is ABANDONed on delete, which leaves its peering on the network (magic-modules PR 18476), and a network with a peering cannot be deleted. Retain the network and delete its project instead.`,
      );
    const names = UNREUSABLE_NAMES[r.type];
    const stays = names || (r.retainOnDelete && /^(gcp|kubernetes):/.test(r.type));
    if (stays && !nameIsRegenerated(r, byUrn))
      error(
        "rebuild-name-collision",
        r,
        `${names ? names.why : "is kept in the cloud on destroy (retainOnDelete)"}, and its name does not change between builds: the next \`pulumi up\` of this program collides with it. Derive the name (or its project) from a generated suffix that a rebuild renews.`,
      );
  }
  const ctx = { resources, byUrn, order, stack: gatherStackFacts(resources, facts) };
  findings.push(...runRules([denyPolicyDeployer], ctx));
  return { changes, findings };
}
