/** Readers of Privileged Access Manager entitlements and of IAM grants (IAM-07, RES-10). */
import { knownElements, knownOr } from "./known";
import { ENTITLEMENT_ROLES } from "../../catalogue/entitlementRoles";
import { PolicyResource } from "@pulumi/policy";
import { canonicalPrincipal, stackIdentity } from "./principals";

export const ENTITLEMENT = "gcp:privilegedaccessmanager/entitlement:entitlement";
export const BASIC_ROLES = ["roles/owner", "roles/editor", "roles/viewer"];

export interface EntitlementView {
  resource: PolicyResource;
  project?: string;
  roles: string[];
  /** Each role with its binding's condition expression, if any. */
  bindings: { role: string; condition?: string }[];
  requesters: string[];
  approvers: string[];
}

/** An entitlement's project, roles, requesters and approvers, from its inputs. */
export function entitlementView(r: PolicyResource): EntitlementView {
  const access = (
    r.props.privilegedAccess as
      { gcpIamAccess?: { roleBindings?: { role?: string; conditionExpression?: string }[] } } | undefined
  )?.gcpIamAccess;
  const steps =
    (
      r.props.approvalWorkflow as
        { manualApprovals?: { steps?: { approvers?: { principals?: string[] } }[] } } | undefined
    )?.manualApprovals?.steps ?? [];
  return {
    resource: r,
    project: /^projects\/([^/]+)$/.exec(String(r.props.parent ?? ""))?.[1],
    roles: (access?.roleBindings ?? []).map((b) => String(b.role)),
    bindings: (access?.roleBindings ?? []).map((b) => ({
      role: String(b.role),
      condition: b.conditionExpression || undefined,
    })),
    requesters: ((r.props.eligibleUsers as { principals?: string[] }[] | undefined) ?? []).flatMap(
      (u) => u.principals ?? [],
    ),
    approvers: steps.flatMap((s) => s.approvers?.principals ?? []),
  };
}

/** The permissions of each custom role the plan defines, by its full name `projects/P/roles/ID`. */
export function customRolePermissions(resources: PolicyResource[]): Map<string, string[]> {
  return new Map(
    resources
      .filter((r) => r.type === "gcp:projects/iAMCustomRole:IAMCustomRole")
      .map((r) => [
        `projects/${String(r.props.project)}/roles/${String(r.props.roleId)}`,
        (r.props.permissions as string[] | undefined) ?? [],
      ]),
  );
}

/**
 * What a grant may do without another group's approval (IAM-07): operate the data stores without
 * reading them or changing what protects them — see instances and workloads, restart or fail over an
 * instance, delete a pod for its controller to recreate. Any other permission (export, update of
 * an instance's flags, database users, exec, secrets, keys, IAM, objects) needs approval, as does
 * any predefined role, whose contents Google may widen.
 */
export function operateOnly(permission: string): boolean {
  return (
    /^(cloudsql\.(instances|backupRuns)|container\.(clusters|deployments|events|jobs|nodes|pods))\.(get|list)$/.test(
      permission,
    ) ||
    ["cloudsql.instances.restart", "cloudsql.instances.failover", "container.pods.delete"].includes(
      permission,
    )
  );
}

/**
 * Predefined roles no entitlement grants: each administers keys, Cloud SQL or IAM without limit —
 * cloudkms.admin holds keyRings.setIamPolicy (a lasting self-grant of decrypt on a whole ring),
 * cloudsql.admin and editor instances.update (a primary opened to the Data API, its pgAudit flags
 * off) and admin users.* (a superuser of one's own): https://cloud.google.com/iam/docs/roles-permissions.
 */
export const UNBOUNDED_ADMIN_ROLES =
  /^roles\/(cloudkms\.admin|cloudsql\.(admin|editor)|resourcemanager\.projectIamAdmin|iam\.securityAdmin)$/;
/**
 * The predefined roles an entitlement may grant, each with the condition it must carry (IAM-07): an
 * allowlist, since a list of forbidden roles misses the next admin role (roles/container.admin,
 * roles/storage.admin on every bucket). What each is for, from components/privilegedAccess.ts'
 * callers (platform/domains/privilegedAccess.ts): reading data (cloudsql.client, instanceUser,
 * container.developer) and restoring a backup (gkebackup.restoreAdmin and viewer; storage.objectViewer
 * on the project's backup buckets only — https://cloud.google.com/iam/docs/conditions-attribute-reference#resource-name:
 * a bucket's resource.name is "projects/_/buckets/BUCKET_ID").
 */
export const ENTITLEMENT_PREDEFINED_ROLES: Record<string, ((project: string) => RegExp) | null> = {
  "roles/cloudsql.client": null,
  "roles/cloudsql.instanceUser": null,
  "roles/container.developer": null,
  "roles/gkebackup.restoreAdmin": null,
  "roles/gkebackup.viewer": null,
  "roles/storage.objectViewer": (project) => new RegExp(`^${backupBucketCondition(project)}$`),
};

/** The condition that keeps storage roles on the project's own backup buckets: `<project>-<name>-backup-`. */
function backupBucketCondition(project: string): string {
  const quoted = project.replace(/[^a-z0-9-]/g, "");
  return `resource\\.name\\.startsWith\\("projects\\/_\\/buckets\\/${quoted}-[a-z0-9-]+-backup-"\\)`;
}

/** Permissions no entitlement's custom role holds: lasting key grants, and foreign key material. */
export const LASTING_PERMISSIONS =
  /^cloudkms\.((keyRings|cryptoKeys)\.setIamPolicy|importJobs\.)|\.setIamPolicy$/;
/**
 * The one IAM change an entitlement may make that outlasts its grant: a backup bucket's policy
 * (storage.buckets.setIamPolicy), for the restore drill's read grant to a scratch instance, which it
 * removes again (tools/drill/cloudSqlRestore.ts). Only on the backup buckets
 * (`<project>-<cluster>-backup-<region>`), whose every IAM change is alerted (backup-bucket-iam-change).
 */
export const BACKUP_BUCKET_IAM = "storage.buckets.setIamPolicy";
export const BACKUP_BUCKET_CONDITION =
  /^resource\.name\.startsWith\("projects\/_\/buckets\/[a-z0-9][a-z0-9-]*-backup-"\)$/;
/**
 * Cloud Storage roles an entitlement may grant: reading objects. Any other predefined storage role
 * deletes or overwrites what the backup buckets keep, or administers them (storage.admin: retention,
 * lifecycle, IAM): https://cloud.google.com/iam/docs/roles-permissions/storage.
 */
export const READ_ONLY_STORAGE_ROLES = ["roles/storage.objectViewer"];

/**
 * The one condition that keeps instance-level permissions on the scratch copies: a name prefix
 * ending in `-restore-`, and nothing else (no `!`, no `||`, no shorter prefix that names primaries).
 */
export const SCRATCH_CONDITION =
  /^resource\.name\.startsWith\("projects\/[a-z][a-z0-9-]*[a-z0-9]\/instances\/[a-z][a-z0-9-]*-restore-"\)$/;

/**
 * Cloud SQL permissions an entitlement holds only on instances a condition names (the scratch
 * ones). instances.export writes a primary's data to any bucket the caller can write, and
 * instances.clone copies it to an instance of the caller's choosing
 * (https://cloud.google.com/sql/docs/postgres/admin-api/rest/v1/instances/export: "Exports data
 * from a Cloud SQL instance to a Cloud Storage bucket"; .../instances/clone: "Creates a Cloud SQL
 * instance as a clone of the source instance").
 */
export const INSTANCE_BOUND_PERMISSIONS =
  /^cloudsql\.(users\.|instances\.(update|executeSql|import|export|clone|delete|restoreBackup)$)/;

/**
 * The Cloud Storage permissions an entitlement's custom role may hold: reading objects, and the
 * backup buckets' IAM for the restore's read grant (BACKUP_BUCKET_IAM). Any other deletes or
 * overwrites what the backup buckets keep (objects.delete, objects.create), or changes how long
 * they keep it (buckets.update: retention, lifecycle, soft delete):
 * https://cloud.google.com/storage/docs/access-control/iam-permissions.
 */
export const ENTITLEMENT_STORAGE_PERMISSIONS = [
  "storage.buckets.getIamPolicy",
  "storage.buckets.setIamPolicy",
  "storage.objects.get",
  "storage.objects.list",
];

/**
 * Each custom role an entitlement may grant, by role id, with what it is for and every permission
 * that purpose needs (IAM-07): an allowlist per role, from the catalogue the component builds them
 * from (catalogue/entitlementRoles.ts).
 */
export const ENTITLEMENT_CUSTOM_ROLE_PERMISSIONS: Record<
  string,
  { purpose: string; permissions: readonly string[] }
> = Object.fromEntries(
  Object.values(ENTITLEMENT_ROLES).map((r) => [r.roleId, { purpose: r.purpose, permissions: r.permissions }]),
);

export const entitlements = (resources: PolicyResource[]): EntitlementView[] =>
  resources.filter((r) => r.type === ENTITLEMENT).map(entitlementView);

/** A grant of a role to members, on a project or a resource: every `*IAMMember`/`*IAMBinding` type. */
export interface Grant {
  resource: PolicyResource;
  role: string;
  members: string[];
}

/**
 * Members unknown at preview (an account the same change creates) are left out, grant by grant:
 * one unknown read would otherwise make the whole policy unable to run (advisory); they are judged
 * at `up`, when the stack policies run on the applied stack.
 */
export function grants(resources: PolicyResource[]): Grant[] {
  return resources.flatMap((r) => {
    if (!r.type.startsWith("gcp:")) return [];
    const role = knownOr(() => r.props.role, undefined);
    if (typeof role !== "string") return [];
    const member = knownOr(() => r.props.member, undefined);
    const members =
      typeof member === "string" ? [member] : knownElements(() => r.props.members as string[] | undefined);
    return members.length ? [{ resource: r, role, members }] : [];
  });
}

/**
 * The deny policies that guard the audit trail, by the names the program gives them
 * (components/auditTrailGuard.ts AUDIT_TRAIL_POLICY_NAME, components/loggingIsolation.ts), written
 * here again on purpose (define.ts); logging-audit-trail-deny and logging-project-isolation judge
 * whom they except.
 */
export const AUDIT_TRAIL_DENY_NAMES = ["protect-audit-trail", "protect-audit-log"];

/**
 * The break-glass groups: those the audit-trail deny policies exempt from their rules
 * (`principalSet://goog/group/…`). They alone may hold privileged roles standing. Any other deny
 * policy's exception defines nothing: a new, harmless deny excepting a group would otherwise make
 * that group break-glass (issue #26, third attacker pass).
 */
export function breakGlassGroups(resources: PolicyResource[]): Set<string> {
  const groups = new Set<string>();
  const stack = stackIdentity(resources).projects;
  const folders = new Set(
    resources
      .filter((r) => r.type === "gcp:organizations/project:Project" && r.props.folderId !== undefined)
      .map((r) => String(r.props.folderId).replace(/^folders\//, "")),
  );
  // On a project or folder of the stack: the same name elsewhere guards nothing of the stack's.
  const guardsStack = (parent: string) => {
    const at = /^cloudresourcemanager\.googleapis\.com\/(projects|folders)\/([^/]+)$/.exec(parent);
    return !!at && (at[1] === "projects" ? stack.has(at[2]) : folders.has(at[2]));
  };
  for (const r of resources.filter(
    (x) =>
      x.type === "gcp:iam/denyPolicy:DenyPolicy" &&
      AUDIT_TRAIL_DENY_NAMES.includes(String(x.props.name)) &&
      guardsStack(decodeURIComponent(String(x.props.parent))),
  ))
    for (const rule of (r.props.rules as { denyRule?: { exceptionPrincipals?: string[] } }[] | undefined) ??
      [])
      for (const p of rule.denyRule?.exceptionPrincipals ?? []) {
        const principal = canonicalPrincipal(p);
        if (principal.startsWith("group:")) groups.add(principal);
      }
  return groups;
}
