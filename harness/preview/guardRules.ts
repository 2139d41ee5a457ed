/**
 * The rules of the guard (what a preview must never carry to `pulumi up`: `rehearse --against`,
 * `rehearse --flip`, `failover`) and of the destroy rehearsal (`rehearse --destroy`), as users see
 * them in findings. Listed here for docs/rehearsal.md (`npm run gen:rehearsal-doc`); a test checks
 * that every rule id harness/preview/ reports is listed, and nothing else.
 */
export interface GuardRule {
  id: string;
  /** Which rehearsal reports it. */
  rehearsal: "preview" | "destroy";
  description: string;
}

export const GUARD_RULES: GuardRule[] = [
  {
    id: "stateful-replace",
    rehearsal: "preview",
    description:
      "A stateful resource (database, cache, key, key ring, log bucket, cluster, project, network in use, bucket, secret, repository, backup plan) would be replaced, losing what it holds.",
  },
  {
    id: "stateful-delete",
    rehearsal: "preview",
    description:
      "A stateful resource would be deleted; a rename or a move in the program needs an alias so the state follows it.",
  },
  {
    id: "locked-bucket",
    rehearsal: "preview",
    description:
      "A locked log bucket would be deleted, replaced, or have its retention or lock changed, which Cloud Logging refuses.",
  },
  {
    id: "locked-retention",
    rehearsal: "preview",
    description:
      "A locked retention (a bucket's Bucket Lock, Backup for GKE's locked retention policy) would be removed, shortened or, for Backup for GKE, changed at all, or its resource deleted or replaced, which Google refuses.",
  },
  {
    id: "in-place-rejected",
    rehearsal: "preview",
    description: "An update the API rejects in place, such as removing a log bucket's customer-managed key.",
  },
  {
    id: "attestation-before-signing",
    rehearsal: "preview",
    description:
      "A Binary Authorization policy would start requiring attestations of an attestor the same update creates: nothing running is signed by it yet.",
  },
  {
    id: "name-reuse",
    rehearsal: "preview",
    description:
      "A create or replacement would take a name Google does not give back after a deletion (KMS key rings and keys, project ids, custom constraints).",
  },
  {
    id: "kubernetes-provider-replaced",
    rehearsal: "preview",
    description:
      "A Kubernetes provider would be replaced, which deletes and re-creates every object it manages.",
  },
  {
    id: "destroy-protected",
    rehearsal: "destroy",
    description: "A protected resource: `pulumi destroy` stops at it.",
  },
  {
    id: "destroy-deletion-guard",
    rehearsal: "destroy",
    description:
      "A resource whose service refuses the deletion (a deletion-protection flag, a network an abandoned peering still holds).",
  },
  {
    id: "rebuild-name-collision",
    rehearsal: "destroy",
    description:
      "A resource that stays in the cloud after `pulumi destroy` (a name never given back, or retainOnDelete) under a name the next `pulumi up` reuses.",
  },
];
