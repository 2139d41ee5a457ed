import { anyResourcePolicy } from "../lib/define";

/** Roles an application service account may hold (IAM-04): use data, never administer it. */
export const DATA_PLANE_ROLES = [
  "roles/cloudsql.client",
  "roles/cloudsql.instanceUser",
  "roles/cloudkms.cryptoKeyEncrypterDecrypter",
  "roles/redis.dbConnectionUser",
  "roles/logging.logWriter",
  "roles/monitoring.metricWriter",
  "roles/cloudtrace.agent",
  "roles/artifactregistry.reader",
  // GKE nodes: write their logs and metrics (https://cloud.google.com/kubernetes-engine/docs/how-to/creating-an-autopilot-cluster).
  "roles/container.defaultNodeServiceAccount",
  // Attestations: sign with an asymmetric key, or read its public half; neither administers the key.
  "roles/cloudkms.signerVerifier",
  "roles/cloudkms.publicKeyViewer",
];

const IAM_MEMBER_TYPES = [
  "gcp:projects/iAMMember:IAMMember",
  "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
  "gcp:kms/keyRingIAMMember:KeyRingIAMMember",
];

/**
 * User-managed service accounts: `name@project.iam.gserviceaccount.com`. Google's service agents
 * and sink writers (`service-123@…`, `service-folder-123@…`, `service-org-123@…`, `p123-…@…`)
 * are not applications.
 */
export function isApplicationAccount(member: string): boolean {
  return /^serviceAccount:(?!service-|p\d+-)[a-z][a-z0-9-]{4,28}[a-z0-9]@(?!gcp-sa-)[a-z][a-z0-9-]+\.iam\.gserviceaccount\.com$/.test(
    member,
  );
}

export const iamWorkloadDataPlaneOnly = anyResourcePolicy(
  {
    name: "iam-workload-data-plane-only",
    description: "Application service accounts hold only data-plane roles, never administrative ones.",
    controls: ["IAM-04"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: `Grant application service accounts only ${DATA_PLANE_ROLES.join(", ")}.`,
  },
  (resource) => {
    if (!IAM_MEMBER_TYPES.includes(resource.type)) return [];
    const member = String(resource.props.member);
    const role = String(resource.props.role);
    return isApplicationAccount(member) && !DATA_PLANE_ROLES.includes(role)
      ? [
          {
            problem: `application account ${member} is granted ${role}`,
            fix: "grant a data-plane role instead",
          },
        ]
      : [];
  },
);
