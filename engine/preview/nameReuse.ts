import { shortUrn } from "../model";
import { ResourceChange } from "./diff";
import { GuardRule } from "./proposedUpdate";

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

export const nameReuse: GuardRule = {
  id: "name-reuse",
  severity: "error",
  description:
    "A create or replacement would take a name Google does not give back after a deletion (KMS key rings and keys, project ids, custom constraints).",
  sources: [
    "https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings.cryptoKeys",
    "https://cloud.google.com/resource-manager/reference/rest/v3/projects",
    "https://cloud.google.com/binary-authorization/docs/cv-org-policy",
  ],
  check(update, report) {
    const freed = new Map<string, ResourceChange>();
    for (const c of update.changes)
      if ((c.op === "delete" || c.op === "replace") && c.oldInputs && UNREUSABLE_NAMES[c.type])
        freed.set(`${c.type}|${UNREUSABLE_NAMES[c.type].key(c.oldInputs)}`, c);
    for (const c of update.changes) {
      const names = UNREUSABLE_NAMES[c.type];
      if (!names || !c.newInputs || (c.op !== "create" && c.op !== "replace")) continue;
      const prior = freed.get(`${c.type}|${names.key(c.newInputs)}`);
      if (prior && prior.urn !== c.urn)
        report.error(
          "name-reuse",
          c,
          `would be created with the name ${names.key(c.newInputs)} that ${shortUrn(prior.urn)} holds: ${names.why}. Keep the resource (alias the renamed one) or choose a new name.`,
        );
      else if (prior && c.op === "replace")
        report.error(
          "name-reuse",
          c,
          `its replacement would take the same name ${names.key(c.newInputs)}: ${names.why}.`,
        );
    }
  },
};
