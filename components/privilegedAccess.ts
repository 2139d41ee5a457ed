import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { grantPropagation } from "./lib/propagation";

/**
 * The custom roles entitlements grant where no predefined role is narrow enough (IAM-07). An
 * entitlement may grant a custom role: "choose a different predefined role, or create a custom role
 * with the permissions you need" (https://cloud.google.com/iam/docs/pam-create-entitlements).
 * Permission names from https://cloud.google.com/iam/docs/roles-permissions/cloudsql, .../container
 * and https://cloud.google.com/kms/docs/reference/permissions-and-roles.
 */
export const ENTITLEMENT_CUSTOM_ROLES = {
  /**
   * Operate without reading: restart or fail over a Cloud SQL instance, see workloads and delete a
   * pod so its controller recreates it. Not instances.update (flags: pgAudit), instances.export
   * (copies the data out), users.* or executeSql, pods.exec or secrets (a workload's identity).
   */
  incidentOperator: {
    roleId: "qairopayIncidentOperator",
    title: "QairoPay incident operator",
    permissions: [
      "cloudsql.instances.failover",
      "cloudsql.instances.get",
      "cloudsql.instances.list",
      "cloudsql.instances.restart",
      "container.clusters.get",
      "container.clusters.list",
      "container.deployments.get",
      "container.deployments.list",
      "container.events.list",
      "container.jobs.get",
      "container.jobs.list",
      "container.nodes.get",
      "container.nodes.list",
      "container.pods.delete",
      "container.pods.get",
      "container.pods.list",
    ],
  },
  /**
   * Rotate a key: a new version (cryptoKeyVersions.create), made primary or the schedule changed
   * (cryptoKeys.update: "locations.keyRings.cryptoKeys.updatePrimaryVersion cloudkms.cryptoKeys.update",
   * https://cloud.google.com/kms/docs/reference/permissions-and-roles). Never keyRings.setIamPolicy or
   * cryptoKeys.setIamPolicy (a lasting decrypt grant), import jobs, or the version updates and
   * destructions the audit-trail deny refuses anyway. Enough for `npm run rotate-keys`
   * (tools/keyRotation/kmsClient.ts: cryptoKeys list/get, cryptoKeyVersions create, updatePrimaryVersion).
   */
  keyOperator: {
    roleId: "qairopayKeyOperator",
    title: "QairoPay key operator",
    permissions: [
      "cloudkms.cryptoKeyVersions.create",
      "cloudkms.cryptoKeyVersions.get",
      "cloudkms.cryptoKeyVersions.list",
      "cloudkms.cryptoKeys.get",
      "cloudkms.cryptoKeys.list",
      "cloudkms.cryptoKeys.update",
      "cloudkms.keyRings.get",
      "cloudkms.keyRings.list",
      // rotate-keys bills its calls to the KMS project (x-goog-user-project): "The caller must have
      // serviceusage.services.use permission on the project" (https://cloud.google.com/apis/docs/system-parameters,
      // as google-cloud-cpp's UserProjectOption documents it).
      "serviceusage.services.use",
    ],
  },
  /**
   * See what a restore needs: instances (the DR replica a scratch copy takes its settings from),
   * their backups and databases, and follow the operations. Configuration, never rows.
   */
  sqlRestoreRead: {
    roleId: "qairopaySqlRestoreRead",
    title: "QairoPay Cloud SQL restore (read)",
    permissions: [
      "cloudsql.backupRuns.get",
      "cloudsql.backupRuns.list",
      "cloudsql.databases.get",
      "cloudsql.databases.list",
      "cloudsql.instances.get",
      "cloudsql.instances.list",
    ],
  },
  /**
   * Restore into a scratch instance (granted with a condition on the scratch instances' names, which
   * Cloud SQL supports: "Allowing users to create instances with specific prefixes",
   * https://cloud.google.com/sql/docs/postgres/iam-conditions): create it, import an export or
   * restore a backup into it, create its database, delete it.
   * Unverified: whether the name condition applies to cloudsql.databases.create (and users.create,
   * below). terraform-google-sql-db PR #616 reports the opposite for databases.list: "IAM
   * conditions can only be used to restrict access to DatabaseInstances or BackupRuns. They can't be
   * used to restrict access to Database resources" (a 403 under the condition). If so, the drill's
   * `databases` and `users` inserts on the scratch copy fail with 403 (tools/drill/cloudSqlRestore.ts);
   * prove on staging with `npm run drill` before relying on it. Never instances.update or users.* of
   * a primary: cloudsql.admin's patch to ALLOW_DATA_API and a CLOUD_IAM_USER with
   * cloudsqlsuperuser on card-vault are not here.
   */
  sqlRestore: {
    roleId: "qairopaySqlRestore",
    title: "QairoPay Cloud SQL restore into a scratch instance",
    permissions: [
      "cloudsql.databases.create",
      "cloudsql.instances.create",
      "cloudsql.instances.delete",
      "cloudsql.instances.import",
      "cloudsql.instances.restoreBackup",
    ],
  },
  /**
   * Verify a restored copy through the Data API as the restore drill does (tools/drill/cloudSqlRestore.ts:
   * users.insert of the operator as an IAM user, executeSql with autoIamAuthn), on the scratch
   * instances only, and only where the data is not cardholder data (the platform: card-vault's
   * instances refuse the Data API, NET-09).
   */
  sqlRestoreVerify: {
    roleId: "qairopaySqlRestoreVerify",
    title: "QairoPay Cloud SQL restore verification",
    permissions: ["cloudsql.instances.executeSql", "cloudsql.instances.login", "cloudsql.users.create"],
  },
  /**
   * Let a scratch instance read the backup bucket for the restore: the drill reads the bucket's IAM
   * policy and writes it back with the instance's objectViewer binding added, then removed
   * (tools/drill/cloudSqlRestore.ts setBucketViewer: the JSON API's getIamPolicy and setIamPolicy,
   * which need storage.buckets.getIamPolicy and storage.buckets.setIamPolicy:
   * https://cloud.google.com/storage/docs/access-control/iam-json). Granted on the backup buckets
   * only. Instead of roles/storage.admin, which also deletes and overwrites the exports, changes the
   * buckets' retention and lifecycle, and creates buckets (attacker review).
   */
  backupBucketGrant: {
    roleId: "qairopayBackupBucketGrant",
    title: "QairoPay backup bucket read grant for a restore",
    permissions: ["storage.buckets.getIamPolicy", "storage.buckets.setIamPolicy"],
  },
} as const;
export type EntitlementCustomRole = keyof typeof ENTITLEMENT_CUSTOM_ROLES;

/** A predefined role by name, or one of ENTITLEMENT_CUSTOM_ROLES, which the component creates in the project. */
export type EntitlementRole = ({ role: string } | { customRole: EntitlementCustomRole }) & {
  condition?: pulumi.Input<string>;
};

/** One entitlement: the roles a grant gives on the project, to whom, approved by whom. */
export interface EntitlementSpec {
  /** 4-63 characters, `[a-z][a-z0-9-]*` (magic-modules privilegedaccessmanager/Entitlement.yaml). */
  id: string;
  roles: EntitlementRole[];
  /** The Google group whose members may request it. */
  requesters: string;
  /** The group whose members approve a request; none for no approval. */
  approvers?: string;
}

export interface PrivilegedAccessArgs {
  project: pulumi.Input<string>;
  entitlements: EntitlementSpec[];
  /** The longest grant, in seconds (the catalogue's IAM-07 limit). */
  maxGrantSeconds: number;
  /**
   * Privileged Access Manager's service agent, which adds and removes the grants' bindings on the
   * project: the organisation's (`service-org-<id>@gcp-sa-pam.iam.gserviceaccount.com`, cloud-foundation-fabric
   * modules/organization/service-agents.yaml, pam), which exists once PAM is onboarded (a declared prerequisite).
   */
  pamAgent: string;
  /** On-call addresses told of every grant. */
  notify: string[];
}

/** Privileged Access Manager's agent of an organisation (see `pamAgent`). */
export const pamServiceAgent = (organizationId: string): string =>
  `service-org-${organizationId}@gcp-sa-pam.iam.gserviceaccount.com`;

const PROJECT_RESOURCE_TYPE = "cloudresourcemanager.googleapis.com/Project";
/** The role PAM's agent needs on a project whose entitlements it grants. */
export const PAM_PROJECT_AGENT_ROLE = "roles/privilegedaccessmanager.projectServiceAgent";

/**
 * Just-in-time privileged access to one project (IAM-07): entitlements whose grants last at most the
 * catalogue's limit, need a written justification, and — where `approvers` is set — a different
 * group's approval with its own justification; Privileged Access Manager's agent holds the narrowest
 * role that lets it add and remove the grants' conditional bindings on a project
 * (roles/privilegedaccessmanager.projectServiceAgent, as cloud-foundation-fabric modules/project/README.md
 * "Privileged Access Manager (PAM) Entitlements" grants it; without it PAM reports the agent "missing
 * permissions [resourcemanager.projects.getIamPolicy resourcemanager.projects.setIamPolicy
 * resourcemanager.projects.get]": gitlab.com/gitlab-com/gl-infra/gitlab-dedicated/library/terraform/
 * google-privileged-access-manager merge request 7).
 * No role an entitlement grants may be managed authoritatively by the stack (IAMBinding, IAMPolicy),
 * which would strip the grants' bindings (policy iam-entitled-roles-not-authoritative).
 */
export class PrivilegedAccess extends pulumi.ComponentResource {
  public readonly entitlements: gcp.privilegedaccessmanager.Entitlement[];

  constructor(name: string, args: PrivilegedAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:iam:PrivilegedAccess", name, {}, opts);
    const agentRole = new gcp.projects.IAMMember(
      `${name}-pam-agent`,
      {
        project: args.project,
        role: PAM_PROJECT_AGENT_ROLE,
        member: `serviceAccount:${args.pamAgent}`,
      },
      { parent: this },
    );
    const used = [
      ...new Set(
        args.entitlements.flatMap((e) => e.roles.flatMap((r) => ("customRole" in r ? [r.customRole] : []))),
      ),
    ];
    const customRoles = Object.fromEntries(
      used.map((key) => {
        const spec = ENTITLEMENT_CUSTOM_ROLES[key];
        const role = new gcp.projects.IAMCustomRole(
          `${name}-${spec.roleId}`,
          {
            project: args.project,
            roleId: spec.roleId,
            title: spec.title,
            description: "Granted just in time through a Privileged Access Manager entitlement (IAM-07).",
            permissions: [...spec.permissions],
          },
          { parent: this },
        );
        return [key, role];
      }),
    ) as Partial<Record<EntitlementCustomRole, gcp.projects.IAMCustomRole>>;
    // The name is built from the project, known at preview, rather than read from the role's output.
    const roleName = (r: EntitlementRole): pulumi.Input<string> =>
      "customRole" in r
        ? pulumi.interpolate`projects/${args.project}/roles/${ENTITLEMENT_CUSTOM_ROLES[r.customRole].roleId}`
        : r.role;
    // PAM checks its agent's access to the project when an entitlement is created: the grant
    // must have propagated (rule iam-grant-propagation).
    const agentReady = grantPropagation(`${name}-pam-agent-propagated`, [agentRole], [`${name}-pam-agent`], {
      parent: this,
    });
    this.entitlements = args.entitlements.map((e) => {
      if (e.approvers === e.requesters)
        throw new Error(`${name}: entitlement ${e.id} is approved by its own requesters (${e.requesters})`);
      return new gcp.privilegedaccessmanager.Entitlement(
        `${name}-${e.id}`,
        {
          parent: pulumi.interpolate`projects/${args.project}`,
          location: "global",
          entitlementId: e.id,
          maxRequestDuration: `${args.maxGrantSeconds}s`,
          eligibleUsers: [{ principals: [`group:${e.requesters}`] }],
          requesterJustificationConfig: { unstructured: {} },
          privilegedAccess: {
            gcpIamAccess: {
              resourceType: PROJECT_RESOURCE_TYPE,
              resource: pulumi.interpolate`//cloudresourcemanager.googleapis.com/projects/${args.project}`,
              roleBindings: e.roles.map((r) => ({ role: roleName(r), conditionExpression: r.condition })),
            },
          },
          approvalWorkflow: e.approvers
            ? {
                manualApprovals: {
                  requireApproverJustification: true,
                  steps: [{ approvalsNeeded: 1, approvers: { principals: [`group:${e.approvers}`] } }],
                },
              }
            : undefined,
          additionalNotificationTargets: { adminEmailRecipients: args.notify },
        },
        {
          parent: this,
          dependsOn: [
            agentReady,
            ...e.roles.flatMap((r) =>
              "customRole" in r && customRoles[r.customRole] ? [customRoles[r.customRole]!] : [],
            ),
          ],
        },
      );
    });
    this.registerOutputs({ entitlements: this.entitlements });
  }
}
