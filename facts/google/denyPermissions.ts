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

/** A row the stored copy of the page does not show: its service's row is to be read on the page. */
const unverified = (service: string, permissions: string[], also = ""): DenyPermissionFact[] =>
  permissions.map((permission) => ({
    permission,
    evidence: "unverified",
    note: `unverified: the ${service} row of the page is not in the stored copy${also}; ${STAGING}`,
  }));

export const DENY_SUPPORTED_PERMISSIONS: readonly DenyPermissionFact[] = [
  ...unverified(
    "Cloud Logging",
    [
      "sinks.create",
      "sinks.update",
      "sinks.delete",
      "buckets.delete",
      "buckets.update",
      "buckets.undelete",
      "logEntries.create",
    ].map((p) => `logging.googleapis.com/${p}`),
  ),
  ...unverified("Resource Manager", ["cloudresourcemanager.googleapis.com/projects.setIamPolicy"]),
  ...unverified(
    "Cloud KMS",
    ["cloudkms.googleapis.com/cryptoKeyVersions.destroy"],
    " (cloud-foundation-fabric's own deny-policy example denies it: modules/project/README.md, tests/modules/project/examples/iam-deny-policies.yaml)",
  ),
  ...unverified("Cloud KMS", [
    "cloudkms.googleapis.com/cryptoKeyVersions.update",
    "cloudkms.googleapis.com/cryptoKeys.setIamPolicy",
  ]),
];

const SUPPORTED = new Set(DENY_SUPPORTED_PERMISSIONS.map((f) => f.permission));

/** Whether a deny policy may name `permission`: a row of the table above. */
export function denySupported(permission: string): boolean {
  return SUPPORTED.has(permission);
}
