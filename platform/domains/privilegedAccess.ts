import * as pulumi from "@pulumi/pulumi";
import { EntitlementSpec, pamServiceAgent, PrivilegedAccess } from "../../components/privilegedAccess";
import { CONTROL_LIMITS } from "../../catalogue/limits";
import { PlatformConfig } from "../config/types";
import { Foundation } from "./foundation";

/**
 * Reading the data: IAM database login (cloudsql.client + instanceUser) and the workloads'
 * namespaces (container.developer: pods/exec, so acting as a workload's identity and its keys).
 * Always behind another group's approval.
 */
const READ_DATA = ["roles/cloudsql.client", "roles/cloudsql.instanceUser", "roles/container.developer"];

type AccessProject = "platform" | "cde" | "kms";

/** Where a project's backup operators restore: its backup buckets and its scratch instances. */
export interface RestoreScope {
  project: pulumi.Input<string>;
  /** `<project>-<cluster>-backup-`: the backup buckets (components/sqlBackupExports.ts backupBucketName). */
  bucketPrefix: pulumi.Input<string>;
  /** `<env>-<cluster>-restore-`: the scratch instances (the drill's is `<env>-<cluster>-restore-drill`). */
  scratchPrefix: string;
  /** Whether the restored copy may be read through the Data API (never cardholder data, NET-09). */
  verifyThroughDataApi: boolean;
}

/**
 * The entitlements of each project (IAM-07), each a role that keeps something usable under the
 * audit-trail deny policy (rehearsal rule entitlement-roles-usable):
 * - `incident-operator`: operate the data stores without reading them (custom role
 *   qairopayIncidentOperator: restart or fail over an instance, see and delete pods; no export,
 *   no instance update, no exec). In the platform it needs no approval, so an incident is not held
 *   up; in the cde it does.
 * - `data-access`: read the data (READ_DATA), approved in every project.
 * - `key-operator` (kms): rotate keys (custom role qairopayKeyOperator: new versions, primary
 *   version, rotation schedule), approved. No key or key-ring IAM, no import jobs, and no disabling
 *   or destroying a version, which the audit-trail deny refuses to all but the deployer and
 *   break-glass in the KMS project (components/auditTrailGuard.ts).
 * - `backup-restore` (backup operators, RES-10): restore into a scratch instance (custom roles on
 *   `<env>-<cluster>-restore-*` only, never a primary), approved; in the platform also verify the
 *   copy through the Data API, as the restore drill does.
 * No entitlement changes IAM: the audit-trail deny refuses projects.setIamPolicy to all but the
 * deployer, break-glass and PAM's agent, since Data Access audit configs live in the IAM policy
 * (LOG-04); IAM changes go through the stack or break-glass. The logging project has none (LOG-01).
 */
export function entitlementsFor(
  project: AccessProject,
  config: Pick<PlatformConfig, "groups">,
  restore?: RestoreScope,
): EntitlementSpec[] {
  const g = config.groups;
  const approved = g.privilegedAccessApprovers;
  const backupRestore = (scope: RestoreScope): EntitlementSpec => {
    const onScratch = pulumi.interpolate`resource.name.startsWith("projects/${scope.project}/instances/${scope.scratchPrefix}")`;
    const onBackupBuckets = pulumi.interpolate`resource.name.startsWith("projects/_/buckets/${scope.bucketPrefix}")`;
    return {
      id: "backup-restore",
      requesters: g.backupOperators,
      approvers: approved,
      roles: [
        { customRole: "sqlRestoreRead" },
        { customRole: "sqlRestore", condition: onScratch },
        ...(scope.verifyThroughDataApi
          ? [{ customRole: "sqlRestoreVerify" as const, condition: onScratch }]
          : []),
        { role: "roles/gkebackup.restoreAdmin" },
        { role: "roles/gkebackup.viewer" },
        // The backup buckets only, and only what the restore calls (docs/drills.md): list and read
        // an export (objectViewer: storage.objects.list, storage.objects.get) and let a scratch
        // instance read it (its bucket binding: backupBucketGrant). Never storage.admin, which
        // deletes and overwrites exports and changes the buckets' retention (attacker review).
        { role: "roles/storage.objectViewer", condition: onBackupBuckets },
        { customRole: "backupBucketGrant", condition: onBackupBuckets },
      ],
    };
  };
  switch (project) {
    case "platform":
    case "cde":
      return [
        {
          id: "incident-operator",
          requesters: g.privilegedAccessRequesters,
          approvers: project === "cde" ? approved : undefined,
          roles: [{ customRole: "incidentOperator" }],
        },
        {
          id: "data-access",
          requesters: g.privilegedAccessRequesters,
          approvers: approved,
          roles: READ_DATA.map((role) => ({ role })),
        },
        ...(restore === undefined ? [] : [backupRestore(restore)]),
      ];
    case "kms":
      return [
        {
          id: "key-operator",
          requesters: g.privilegedAccessRequesters,
          approvers: approved,
          roles: [{ customRole: "keyOperator" }],
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
    const name = cluster[project];
    const restore: RestoreScope | undefined = name
      ? {
          project: projects.ids[project],
          bucketPrefix: pulumi.interpolate`${projects.ids[project]}-${name}-backup-`,
          scratchPrefix: `${env}-${name}-restore-`,
          verifyThroughDataApi: project !== "cde",
        }
      : undefined;
    new PrivilegedAccess(
      `${env}-${project}-access`,
      {
        project: projects.ids[project],
        entitlements: entitlementsFor(project, config, restore),
        maxGrantSeconds: CONTROL_LIMITS.privilegedGrantMaxSeconds,
        pamAgent: pamServiceAgent(config.orgPolicy.organizationId),
        notify: config.alerting.emails,
      },
      { dependsOn: f.ready[project] },
    );
  }
}
