/**
 * The IAM permissions the stack's deny policies may name: each one Google's deny policies accept.
 * https://cloud.google.com/iam/docs/deny-permissions-support: "You can use some, but not all,
 * Identity and Access Management (IAM) permissions in deny policies. Deny policies require the IAM
 * v2 permission format, which is SERVICE_FQDN/RESOURCE.ACTION." A deny policy that names a
 * permission outside that table is refused when it is created (400), so `pulumi up` fails on it;
 * the rehearsal rule deny-permission-supported refuses any permission not listed here, so adding
 * one to a deny policy means looking it up first and recording where it was found.
 *
 * `evidence` says how far each row is settled. The page renders its table from a script, so the
 * stored copy this was checked against shows the page's rules and its first services (Access
 * Approval, Access Context Manager), not the Logging, Resource Manager or Cloud KMS rows:
 * - "page": the row was read on the page;
 * - "unverified": no stored source quotes the row. It is used the same way by Google-maintained
 *   code or docs (cited), but whether Google accepts it is to be proven on staging: its first
 *   `pulumi up` creates every deny policy (components/auditTrailGuard.ts, loggingIsolation.ts).
 */
export interface DenyPermissionFact {
  permission: string;
  evidence: "page" | "unverified";
  /** Where the row was read, or what else uses it and what is left to prove. */
  note: string;
}

const STAGING = "prove on staging (the first `pulumi up` of staging creates the deny policies)";

export const DENY_SUPPORTED_PERMISSIONS: readonly DenyPermissionFact[] = [
  ...["sinks.create", "sinks.update", "sinks.delete"].map((p) => ({
    permission: `logging.googleapis.com/${p}`,
    evidence: "unverified" as const,
    note: `unverified: the Cloud Logging row of the page is not in the stored copy; ${STAGING}`,
  })),
  ...["buckets.delete", "buckets.update", "buckets.undelete"].map((p) => ({
    permission: `logging.googleapis.com/${p}`,
    evidence: "unverified" as const,
    note: `unverified: the Cloud Logging row of the page is not in the stored copy; ${STAGING}`,
  })),
  {
    permission: "logging.googleapis.com/logEntries.create",
    evidence: "unverified",
    note: `unverified: the Cloud Logging row of the page is not in the stored copy; ${STAGING}`,
  },
  {
    permission: "cloudresourcemanager.googleapis.com/projects.setIamPolicy",
    evidence: "unverified",
    note: `unverified: the Resource Manager row of the page is not in the stored copy; ${STAGING}`,
  },
  {
    permission: "cloudkms.googleapis.com/cryptoKeyVersions.destroy",
    evidence: "unverified",
    note: `unverified on the page; cloud-foundation-fabric's own deny-policy example denies it (modules/project/README.md, tests/modules/project/examples/iam-deny-policies.yaml); ${STAGING}`,
  },
  {
    permission: "cloudkms.googleapis.com/cryptoKeyVersions.update",
    evidence: "unverified",
    note: `unverified: the Cloud KMS row of the page is not in the stored copy; ${STAGING}`,
  },
  {
    permission: "cloudkms.googleapis.com/cryptoKeys.setIamPolicy",
    evidence: "unverified",
    note: `unverified: the Cloud KMS row of the page is not in the stored copy; ${STAGING}`,
  },
];

const SUPPORTED = new Set(DENY_SUPPORTED_PERMISSIONS.map((f) => f.permission));

/** Whether a deny policy may name `permission`: a row of the table above. */
export function denySupported(permission: string): boolean {
  return SUPPORTED.has(permission);
}
