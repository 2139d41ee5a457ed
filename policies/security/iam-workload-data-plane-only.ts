import { anyResourcePolicy, Finding } from "../lib/define";

/**
 * The custom role workloads sign in to Cloud SQL with, and all it may grant: the permissions of
 * https://cloud.google.com/sql/docs/postgres/iam-logins (login; connect for the Auth Proxy and
 * connectors; get, which they read the instance with).
 */
export const DATABASE_LOGIN_ROLE_ID = "qairopayDatabaseLogin";
export const DATABASE_LOGIN_PERMISSIONS = [
  "cloudsql.instances.connect",
  "cloudsql.instances.get",
  "cloudsql.instances.login",
];

/**
 * Roles an application service account may hold (IAM-04): use data, never administer it. Cloud
 * SQL's sign-in is the database-login custom role (connect, get, login), not the predefined
 * roles/cloudsql.client or roles/cloudsql.instanceUser, which carry more: Google lists instanceUser
 * among the roles that may call `executeSql`, the Data API's path from the internet.
 */
export const DATA_PLANE_ROLES = [
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

/** `projects/<p>/roles/qairopayDatabaseLogin`: the custom role, in any project. */
const DATABASE_LOGIN_ROLE = new RegExp(
  `^projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/roles/${DATABASE_LOGIN_ROLE_ID}$`,
);

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

/**
 * Grants on a project or a key or key ring, by member or binding. Grants on other resources name the
 * CI identities too (the image pipeline writes repositories and attests; the deployer acts as the
 * node accounts), which this policy cannot tell from an application by address.
 */
const GRANT_TYPES = /^gcp:(projects\/iAM(Member|Binding)|kms\/(cryptoKey|keyRing)IAM(Member|Binding)):/;

/**
 * Google's own workloads in the clusters and the one role each needs: the multi-cluster Services
 * importer reads every cluster's network endpoints (components/fleetFeatures.ts,
 * https://cloud.google.com/kubernetes-engine/docs/how-to/multi-cluster-services).
 */
const GOOGLE_WORKLOAD_ROLES: Record<string, string[]> = {
  "gke-mcs/gke-mcs-importer": ["roles/compute.networkViewer"],
};
const googleWorkloadAllows = (member: string, role: string): boolean =>
  GOOGLE_WORKLOAD_ROLES[/\[([^\]]+)\]$/.exec(member)?.[1] ?? ""]?.includes(role) ?? false;

/**
 * A Kubernetes workload's own identity, in either form Google names it: the Workload Identity
 * member `serviceAccount:PROJECT.svc.id.goog[NAMESPACE/KSA]`, or the federation principal
 * `principal(Set)://iam.googleapis.com/projects/NUMBER/locations/global/workloadIdentityPools/PROJECT.svc.id.goog/…`
 * (https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity#principal-identifiers):
 * code in any pod of the namespace named, an application like the accounts above.
 */
export function isWorkloadIdentity(member: string): boolean {
  return (
    /^serviceAccount:[a-z][a-z0-9-]+\.svc\.id\.goog\[/.test(member) ||
    /^principal(Set)?:\/\/iam\.googleapis\.com\/projects\/\d+\/locations\/global\/workloadIdentityPools\/[a-z][a-z0-9-]+\.svc\.id\.goog\//.test(
      member,
    )
  );
}

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
    remediationSteps: `Grant application service accounts only ${DATA_PLANE_ROLES.join(", ")}, or the ${DATABASE_LOGIN_ROLE_ID} custom role with exactly ${DATABASE_LOGIN_PERMISSIONS.join(", ")}.`,
  },
  (resource): Finding[] => {
    // The custom role is a data-plane role only while it holds the three sign-in permissions.
    if (resource.type === "gcp:projects/iAMCustomRole:IAMCustomRole") {
      if (resource.props.roleId !== DATABASE_LOGIN_ROLE_ID) return [];
      const extra = ((resource.props.permissions as string[] | undefined) ?? []).filter(
        (p) => !DATABASE_LOGIN_PERMISSIONS.includes(p),
      );
      return extra.length
        ? [
            {
              problem: `the workloads' database-login role ${DATABASE_LOGIN_ROLE_ID} also grants ${extra.join(", ")}`,
              fix: `keep only ${DATABASE_LOGIN_PERMISSIONS.join(", ")}`,
            },
          ]
        : [];
    }
    // Member and Binding alike (and a policy's bindings, through define.ts): cloudsql.admin in an
    // IAMBinding administers as it does in an IAMMember.
    if (!GRANT_TYPES.test(resource.type) || typeof resource.props.role !== "string") return [];
    const role = resource.props.role;
    const members =
      typeof resource.props.member === "string"
        ? [resource.props.member]
        : ((resource.props.members as string[] | undefined) ?? []);
    return members
      .filter(
        (member) =>
          (isApplicationAccount(member) ||
            (isWorkloadIdentity(member) && !googleWorkloadAllows(member, role))) &&
          !DATA_PLANE_ROLES.includes(role) &&
          !DATABASE_LOGIN_ROLE.test(role) &&
          !automationAllows(member, role),
      )
      .map((member) => ({
        problem: `application account ${member} is granted ${role}`,
        fix: "grant a data-plane role instead",
      }));
  },
);
