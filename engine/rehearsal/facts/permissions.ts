/**
 * The IAM permissions (v2 names, as deny policies take them) that creating, updating and deleting
 * each resource type uses on its project. From the methods each resource calls in
 * terraform-provider-google (IAM members read-modify-write the project policy with
 * getIamPolicy/setIamPolicy: google/services/resourcemanager/iam_project.go) and the permission
 * each method requires (https://cloud.google.com/iam/docs/permissions-reference,
 * https://cloud.google.com/iam/docs/deny-permissions-support).
 */
const setIamPolicy = ["cloudresourcemanager.googleapis.com/projects.setIamPolicy"];
const sinks = [
  "logging.googleapis.com/sinks.create",
  "logging.googleapis.com/sinks.update",
  "logging.googleapis.com/sinks.delete",
];

export const LIFECYCLE_PERMISSIONS: Record<string, string[]> = {
  "gcp:projects/iAMMember:IAMMember": setIamPolicy,
  "gcp:projects/iAMBinding:IAMBinding": setIamPolicy,
  "gcp:projects/iAMPolicy:IAMPolicy": setIamPolicy,
  "gcp:projects/iAMAuditConfig:IAMAuditConfig": setIamPolicy,
  "gcp:logging/projectSink:ProjectSink": sinks,
  "gcp:logging/folderSink:FolderSink": sinks,
  // Key grants read-modify-write the key's own policy (magic-modules services/kms/iam_kms_crypto_key.go.tmpl: setIamPolicy).
  "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": ["cloudkms.googleapis.com/cryptoKeys.setIamPolicy"],
  // An unprotected key's deletion destroys its versions (deletionPolicy DELETE:
  // magic-modules custom_delete/kms_crypto_key.tmpl clearCryptoKeyVersions).
  "gcp:kms/cryptoKey:CryptoKey": ["cloudkms.googleapis.com/cryptoKeyVersions.destroy"],
  "gcp:logging/projectBucketConfig:ProjectBucketConfig": [
    "logging.googleapis.com/buckets.create",
    "logging.googleapis.com/buckets.update",
    "logging.googleapis.com/buckets.delete",
  ],
  "gcp:logging/metric:Metric": [
    "logging.googleapis.com/logMetrics.create",
    "logging.googleapis.com/logMetrics.update",
    "logging.googleapis.com/logMetrics.delete",
  ],
  "gcp:logging/linkedDataset:LinkedDataset": [
    "logging.googleapis.com/links.create",
    "logging.googleapis.com/links.delete",
  ],
};

/** IAM v1 member → the principal identifier IAM v2 deny policies use (https://cloud.google.com/iam/docs/principal-identifiers). */
export function v2Principal(member: string): string {
  const [kind, value] = [member.slice(0, member.indexOf(":")), member.slice(member.indexOf(":") + 1)];
  switch (kind) {
    case "serviceAccount":
      return `principal://iam.googleapis.com/projects/-/serviceAccounts/${value}`;
    case "group":
      return `principalSet://goog/group/${value}`;
    case "user":
      return `principal://goog/subject/${value}`;
    default:
      return member;
  }
}

export const ALL_PRINCIPALS = "principalSet://goog/public:all";
