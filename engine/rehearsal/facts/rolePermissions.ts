/**
 * Permissions of the predefined roles an entitlement may grant (IAM-07), at least these: what each
 * role is granted for, from https://cloud.google.com/iam/docs/roles-permissions/<service>. A role's
 * reads (get, list, getIamPolicy) are left out: the rule that reads this table asks whether any of
 * a role's writes or uses survives the deny policies, and a role without them is read-only by design.
 * A role missing here is reported, so that the table is extended rather than the check skipped.
 */
export const PREDEFINED_ROLE_ACTIONS: Record<string, string[]> = {
  // https://cloud.google.com/iam/docs/roles-permissions/resourcemanager: projectIamAdmin's only write.
  "roles/resourcemanager.projectIamAdmin": ["resourcemanager.projects.setIamPolicy"],
  // https://cloud.google.com/iam/docs/roles-permissions/cloudkms (cloudkms.admin).
  "roles/cloudkms.admin": [
    "cloudkms.cryptoKeyVersions.create",
    "cloudkms.cryptoKeyVersions.destroy",
    "cloudkms.cryptoKeyVersions.restore",
    "cloudkms.cryptoKeyVersions.update",
    "cloudkms.cryptoKeys.create",
    "cloudkms.cryptoKeys.setIamPolicy",
    "cloudkms.cryptoKeys.update",
    "cloudkms.keyRings.create",
    "cloudkms.keyRings.setIamPolicy",
  ],
  // https://cloud.google.com/sql/docs/postgres/iam-roles: Cloud SQL Client "Connectivity access".
  "roles/cloudsql.client": ["cloudsql.instances.connect"],
  // Cloud SQL Instance User: IAM database login.
  "roles/cloudsql.instanceUser": ["cloudsql.instances.login"],
  // https://cloud.google.com/sql/docs/postgres/iam-roles: cloudsql.admin holds cloudsql.*.
  "roles/cloudsql.admin": [
    "cloudsql.instances.create",
    "cloudsql.instances.import",
    "cloudsql.instances.restoreBackup",
    "cloudsql.instances.update",
    "cloudsql.users.create",
  ],
  // https://cloud.google.com/iam/docs/roles-permissions/container (container.developer).
  "roles/container.developer": ["container.pods.create", "container.pods.delete", "container.pods.exec"],
  // https://cloud.google.com/iam/docs/roles-permissions/gkebackup.
  "roles/gkebackup.restoreAdmin": ["gkebackup.restores.create", "gkebackup.restorePlans.create"],
  "roles/gkebackup.viewer": [],
  // https://cloud.google.com/iam/docs/roles-permissions/storage.
  "roles/storage.admin": ["storage.buckets.setIamPolicy", "storage.objects.create", "storage.objects.delete"],
  "roles/storage.objectViewer": [],
};

/** A role's read permissions, which a deny policy's refusal of everything else leaves useless. */
export const isRead = (permission: string): boolean => /\.(get|list|getIamPolicy)$/.test(permission);

/**
 * The IAM v2 name of an IAM v1 permission, as deny policies take it: `service.resource.verb` →
 * `service.googleapis.com/resource.verb`, except Resource Manager's, whose service is
 * cloudresourcemanager.googleapis.com (https://cloud.google.com/iam/docs/deny-permissions-support:
 * "Exceptions are documented on this page"; components/auditTrailGuard.ts denies
 * resourcemanager.projects.setIamPolicy as cloudresourcemanager.googleapis.com/projects.setIamPolicy).
 */
export function v2Permission(permission: string): string {
  const [service, ...rest] = permission.split(".");
  const fqdn = service === "resourcemanager" ? "cloudresourcemanager" : service;
  return `${fqdn}.googleapis.com/${rest.join(".")}`;
}
