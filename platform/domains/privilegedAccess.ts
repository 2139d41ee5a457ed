import * as pulumi from "@pulumi/pulumi";
import { EntitlementSpec, pamServiceAgent, PrivilegedAccess } from "../../components/privilegedAccess";
import { CONTROL_LIMITS } from "../../policies/catalogueLimits";
import { PlatformConfig } from "../config/types";
import { Foundation } from "./foundation";

/** Operating Cloud SQL and GKE in an incident, and reading the data through IAM database login. */
const OPERATE_DATA_STORES = [
  "roles/cloudsql.editor",
  "roles/cloudsql.client",
  "roles/cloudsql.instanceUser",
  "roles/container.developer",
];
const CHANGE_IAM = ["roles/resourcemanager.projectIamAdmin"];

type AccessProject = "platform" | "cde" | "kms";

/**
 * The entitlements of each project (IAM-07): what people need in an incident — operate the data
 * stores and read the data, administer keys, change IAM — and, for the backup operators only,
 * restore (RES-10: the one group that may read, restore or delete backups, and only just in time).
 * Everything in the cde, every IAM change and every key or backup operation needs another group's
 * approval; operating the platform's stores does not, so an incident is not held up, but it is
 * alerted like every grant. The logging project has none: its deny policy refuses IAM changes to
 * all but the deployer and break-glass, PAM's agent included (LOG-01).
 */
export function entitlementsFor(
  project: AccessProject,
  config: Pick<PlatformConfig, "groups">,
  backupBucketPrefix?: pulumi.Input<string>,
): EntitlementSpec[] {
  const g = config.groups;
  const approved = g.privilegedAccessApprovers;
  const backupRestore = (prefix: pulumi.Input<string>): EntitlementSpec => ({
    id: "backup-restore",
    requesters: g.backupOperators,
    approvers: approved,
    roles: [
      { role: "roles/cloudsql.admin" },
      { role: "roles/gkebackup.restoreAdmin" },
      { role: "roles/gkebackup.viewer" },
      // The backup buckets only: read an export, let a scratch instance read it (docs/drills.md).
      {
        role: "roles/storage.admin",
        condition: pulumi.interpolate`resource.name.startsWith("projects/_/buckets/${prefix}")`,
      },
    ],
  });
  switch (project) {
    case "platform":
    case "cde":
      return [
        {
          id: "incident-operator",
          requesters: g.privilegedAccessRequesters,
          approvers: project === "cde" ? approved : undefined,
          roles: OPERATE_DATA_STORES.map((role) => ({ role })),
        },
        {
          id: "iam-admin",
          requesters: g.privilegedAccessRequesters,
          approvers: approved,
          roles: CHANGE_IAM.map((role) => ({ role })),
        },
        ...(backupBucketPrefix === undefined ? [] : [backupRestore(backupBucketPrefix)]),
      ];
    case "kms":
      return [
        {
          id: "key-operator",
          requesters: g.privilegedAccessRequesters,
          approvers: approved,
          roles: [{ role: "roles/cloudkms.admin" }],
        },
        {
          id: "iam-admin",
          requesters: g.privilegedAccessRequesters,
          approvers: approved,
          roles: CHANGE_IAM.map((role) => ({ role })),
        },
      ];
  }
}

/** The projects that hold entitlements (the logging project holds none: LOG-01). */
export const ENTITLED_PROJECTS = ["platform", "cde", "kms"] as const;

/** Just-in-time privileged access in the platform, cde and kms projects (IAM-07): docs/privileged-access.md. */
export function buildPrivilegedAccess(config: PlatformConfig, f: Foundation): void {
  const { env, projects } = f;
  const cluster: Record<AccessProject, string | undefined> = {
    platform: "ledger",
    cde: "card-vault",
    kms: undefined,
  };
  for (const project of ENTITLED_PROJECTS) {
    const prefix = cluster[project]
      ? pulumi.interpolate`${projects.ids[project]}-${cluster[project]}-backup-`
      : undefined;
    new PrivilegedAccess(
      `${env}-${project}-access`,
      {
        project: projects.ids[project],
        entitlements: entitlementsFor(project, config, prefix),
        maxGrantSeconds: CONTROL_LIMITS.privilegedGrantMaxSeconds,
        pamAgent: pamServiceAgent(config.orgPolicy.organizationId),
        notify: config.alerting.emails,
      },
      { dependsOn: f.ready[project] },
    );
  }
}
