import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../platform/config/regions";

/** Read-only roles of the auditors' group on the logging project. */
export const AUDITOR_ROLES = ["roles/logging.viewer", "roles/logging.privateLogViewer"];

/**
 * What nobody but the sink writers and the break-glass group may do in the logging project
 * (IAM v2 permission names, https://cloud.google.com/iam/docs/deny-permissions-support):
 * administer log buckets and sinks, write log entries directly, or change IAM.
 */
export const DENIED_PERMISSIONS = [
  "logging.googleapis.com/buckets.delete",
  "logging.googleapis.com/buckets.update",
  "logging.googleapis.com/buckets.undelete",
  "logging.googleapis.com/sinks.create",
  "logging.googleapis.com/sinks.update",
  "logging.googleapis.com/sinks.delete",
  "logging.googleapis.com/logEntries.create",
  "cloudresourcemanager.googleapis.com/projects.setIamPolicy",
];

/** `serviceAccount:x@y` → the IAM v2 principal identifier deny policies take. */
export function denyPrincipal(member: string): string {
  const email = member.replace(/^serviceAccount:/, "");
  return `principal://iam.googleapis.com/projects/-/serviceAccounts/${email}`;
}

export interface LoggingIsolationArgs {
  loggingProject: pulumi.Input<string>;
  /** Region and id of the audit bucket, for the auditors' condition. */
  region: Region;
  bucketId: string;
  /** Google group with read-only access to the audit log. */
  auditorsGroup: string;
  /** Google group exempt from the deny policy, for emergencies. */
  breakGlassGroup: string;
  /** Sink writer identities (`serviceAccount:...`), exempt from the deny policy. */
  writerIdentities: pulumi.Input<string>[];
}

/**
 * Keeps the logging project to itself (LOG-01): the auditors' group is the only principal
 * granted anything besides the sink writers, and an IAM deny policy stops everyone else,
 * whatever roles they may come to hold, from administering buckets and sinks, writing log
 * entries or changing IAM.
 */
export class LoggingIsolation extends pulumi.ComponentResource {
  public readonly denyPolicy: gcp.iam.DenyPolicy;

  constructor(name: string, args: LoggingIsolationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:logging:LoggingIsolation", name, {}, opts);
    for (const role of AUDITOR_ROLES) {
      new gcp.projects.IAMMember(
        `${name}-auditors-${role.split(".")[1]}`,
        { project: args.loggingProject, role, member: `group:${args.auditorsGroup}` },
        { parent: this },
      );
    }
    this.denyPolicy = new gcp.iam.DenyPolicy(
      `${name}-deny`,
      {
        // The parent is the URL-encoded resource name (provider docs of gcp.iam.DenyPolicy).
        parent: pulumi
          .output(args.loggingProject)
          .apply((p) => encodeURIComponent(`cloudresourcemanager.googleapis.com/projects/${p}`)),
        name: "protect-audit-log",
        displayName: "Only sink writers and break-glass may administer or write the audit log",
        rules: [
          {
            description: "Deny log administration, direct log writes and IAM changes in the logging project.",
            denyRule: {
              deniedPrincipals: ["principalSet://goog/public:all"],
              exceptionPrincipals: pulumi
                .all(args.writerIdentities)
                .apply((writers) => [
                  ...writers.map(denyPrincipal),
                  `principalSet://goog/group/${args.breakGlassGroup}`,
                ]),
              deniedPermissions: DENIED_PERMISSIONS,
            },
          },
        ],
      },
      { parent: this, protect: true },
    );
    this.registerOutputs({ denyPolicy: this.denyPolicy });
  }
}
