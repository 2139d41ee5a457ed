/**
 * The log filters that alert on privileged access (IAM-07), over the aggregated audit bucket, which
 * receives every platform project's audit logs (LOG-03). Filter syntax:
 * https://cloud.google.com/logging/docs/view/logging-query-language
 */

/** Every version of Privileged Access Manager's API that logs grants (all three are served). */
export const PAM_API_VERSIONS = ["v1", "v1alpha", "v1beta"] as const;

/**
 * A grant requested or approved — Admin Activity logs of each API version — and a grant activated,
 * which PAM records as a System Event with no principal (`PAMActivateGrant`): the elevation itself
 * is then done by PAM's service agent (https://cloud.google.com/iam/docs/audit-logging/audit-logging-pam,
 * "System events").
 */
export const PAM_GRANT_METHODS = [
  ...PAM_API_VERSIONS.flatMap((v) =>
    ["CreateGrant", "ApproveGrant"].map(
      (m) => `google.cloud.privilegedaccessmanager.${v}.PrivilegedAccessManager.${m}`,
    ),
  ),
  "PAMActivateGrant",
];

const anyOf = (field: string, values: readonly string[]) =>
  `(${values.map((v) => `${field}="${v}"`).join(" OR ")})`;

/** The alerts of IAM-07: every just-in-time grant, and any action of a break-glass account. */
export function privilegedAccessFilters(
  breakGlassAccounts: readonly string[],
): Record<string, { description: string; filter: string }> {
  return {
    "privileged-access-grant": {
      description: "A just-in-time privileged access grant was requested, approved or activated.",
      filter: anyOf("protoPayload.methodName", PAM_GRANT_METHODS),
    },
    "break-glass-activity": {
      description: "A break-glass account acted, directly or by impersonating a service account.",
      // The impersonator of a service account is its delegation chain's first party principal
      // (AuditLog.AuthenticationInfo.serviceAccountDelegationInfo).
      filter: `${anyOf("protoPayload.authenticationInfo.principalEmail", breakGlassAccounts)} OR ${anyOf(
        "protoPayload.authenticationInfo.serviceAccountDelegationInfo.firstPartyPrincipal.principalEmail",
        breakGlassAccounts,
      )}`,
    },
  };
}

/**
 * What a grant could turn into lasting access or an open door, alerted whoever does it (IAM-07):
 * - any IAM change in the KMS project: a key or key ring's SetIamPolicy (Cloud KMS logs the IAM
 *   method as `SetIamPolicy`, as the audit key's own alert reads it: components/lib/logFilters.ts);
 * - an IAM change on a backup bucket (`<project>-<cluster>-backup-<region>`): Cloud Storage logs
 *   it as `storage.setIamPermissions` (https://cloud.google.com/storage/docs/audit-logging);
 * - a database user created or changed, or an instance updated, in the cde: what turns a Cloud SQL
 *   grant into reading card data (a CLOUD_IAM_USER with cloudsqlsuperuser, the Data API opened).
 *   Cloud SQL names its methods `cloudsql.<collection>.<verb>`, as the failover alert reads them.
 */
export function privilegedChangeFilters(projects: {
  kms: string;
  cde: string;
}): Record<string, { description: string; filter: string }> {
  return {
    "kms-iam-change": {
      description: "An IAM policy of a key or key ring changed in the KMS project.",
      filter: `protoPayload.serviceName="cloudkms.googleapis.com" AND protoPayload.methodName="SetIamPolicy" AND protoPayload.resourceName:"projects/${projects.kms}/"`,
    },
    "backup-bucket-iam-change": {
      description: "An IAM policy of a backup bucket changed.",
      filter:
        'protoPayload.serviceName="storage.googleapis.com" AND protoPayload.methodName="storage.setIamPermissions" AND resource.type="gcs_bucket" AND resource.labels.bucket_name:"-backup-"',
    },
    "cde-database-access-change": {
      description: "A database user or an instance's settings changed in the cardholder-data environment.",
      filter: `protoPayload.serviceName="cloudsql.googleapis.com" AND protoPayload.methodName=~"^cloudsql\\.(users\\.(create|update)|instances\\.(update|patch))$" AND resource.labels.project_id="${projects.cde}"`,
    },
  };
}
