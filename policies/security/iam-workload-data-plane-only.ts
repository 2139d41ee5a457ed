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
];

/**
 * Platform automation, not applications: accounts that run one scheduled task of the platform, by
 * the suffix of their id, and the only roles each may hold. The Cloud SQL exporter (RES-10) starts
 * its workflow and exports through a custom role holding only `cloudsql.instances.export` and
 * `.get` (policy storage-bucket-backup-immutable checks that role's permissions).
 */
export const AUTOMATION_ROLES: { idSuffix: string; roles: RegExp[] }[] = [
  {
    idSuffix: "-backup-export",
    roles: [/^roles\/workflows\.invoker$/, /^projects\/[^/]+\/roles\/qairopaySqlExport$/],
  },
];

const automationAllows = (member: string, role: string): boolean =>
  AUTOMATION_ROLES.some(
    (a) =>
      new RegExp(`^serviceAccount:[a-z0-9-]+${a.idSuffix}@`).test(member) &&
      a.roles.some((r) => r.test(role)),
  );

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
    return isApplicationAccount(member) && !DATA_PLANE_ROLES.includes(role) && !automationAllows(member, role)
      ? [
          {
            problem: `application account ${member} is granted ${role}`,
            fix: "grant a data-plane role instead",
          },
        ]
      : [];
  },
);
