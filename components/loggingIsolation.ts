import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../vocabulary/regions";

/**
 * The auditors' one role: read the audit bucket's logs through its `_AllLogs` view, which Cloud
 * Logging creates for every bucket. Granted on the project under a condition naming the view:
 * "Principals with the role of roles/logging.viewAccessor on a Google Cloud project can access
 * views and logs in any log bucket in the project", unless an IAM condition limits it to one view
 * (https://cloud.google.com/logging/docs/logs-views). No project-wide logging.viewer or
 * privateLogViewer: those read every log of the logging project, not only the audit bucket.
 */
export const AUDITOR_ROLE = "roles/logging.viewAccessor";
export const AUDIT_VIEW_ID = "_AllLogs";

/** The IAM condition that limits the auditors to the audit bucket's view. */
export function auditViewCondition(project: string, location: string, bucketId: string) {
  return {
    title: `only-${bucketId}-view`,
    description: `Read only the ${bucketId} log bucket, through its ${AUDIT_VIEW_ID} view.`,
    expression: `resource.name == "projects/${project}/locations/${location}/buckets/${bucketId}/views/${AUDIT_VIEW_ID}"`,
  };
}

/**
 * What nobody but the deployer and the break-glass accounts may do in the logging project
 * (IAM v2 permission names, https://cloud.google.com/iam/docs/deny-permissions-support; each in
 * facts/google/denyPermissions.ts, unverified on that page: prove on staging):
 * administer log buckets and sinks, or change IAM. The deployer is exempt because this stack
 * manages exactly those things there (the bucket, the sinks' writer grants, the auditors' roles,
 * the audit config: each a setIamPolicy or bucket call); a deny on it would fail its next `up`.
 */
export const DENIED_ADMIN_PERMISSIONS = [
  "logging.googleapis.com/buckets.delete",
  "logging.googleapis.com/buckets.update",
  "logging.googleapis.com/buckets.undelete",
  "logging.googleapis.com/sinks.create",
  "logging.googleapis.com/sinks.update",
  "logging.googleapis.com/sinks.delete",
  "cloudresourcemanager.googleapis.com/projects.setIamPolicy",
];

/**
 * Writing log entries directly: nobody but the sink writers, not even the deployer or break-glass.
 * An entry written into the logging project's own `qairopay-audit` log would be routed into the
 * locked bucket and kept for its whole retention; deny conditions cannot name a log (they test
 * resource tags only: https://cloud.google.com/iam/docs/deny-overview), so no one is exempt.
 */
export const DENIED_WRITE_PERMISSIONS = ["logging.googleapis.com/logEntries.create"];

/** Every permission the deny policy takes away from someone. */
export const DENIED_PERMISSIONS = [...DENIED_ADMIN_PERMISSIONS, ...DENIED_WRITE_PERMISSIONS];

/** An IAM member → the IAM v2 principal identifier deny policies take (https://cloud.google.com/iam/docs/principal-identifiers). */
export function denyPrincipal(member: string): string {
  const [kind, value] = [member.slice(0, member.indexOf(":")), member.slice(member.indexOf(":") + 1)];
  if (kind === "group") return `principalSet://goog/group/${value}`;
  if (kind === "user") return `principal://goog/subject/${value}`;
  return `principal://iam.googleapis.com/projects/-/serviceAccounts/${value.replace(/^serviceAccount:/, "")}`;
}

export interface LoggingIsolationArgs {
  /**
   * Protect the stateful resources (`protect`, and the provider's and API's deletion guards).
   * Only an ephemeral environment (staging, `ephemeral: true`) turns it off, to be destroyed.
   * @default true
   */
  protect?: boolean;
  loggingProject: pulumi.Input<string>;
  /** Region and id of the audit bucket, for the auditors' condition. */
  region: Region;
  bucketId: string;
  /** Google group with read-only access to the audit log. */
  auditorsGroup: string;
  /**
   * The break-glass user accounts (e-mail addresses), each exempt by name from the deny on
   * administration, for emergencies (never from the deny on writes): the accounts the break-glass
   * alert names, never a group whose members no alert names (components/auditTrailGuard.ts).
   */
  breakGlassAccounts: string[];
  /** Sink writer identities (`serviceAccount:...`), exempt from the deny on log writes. */
  writerIdentities: pulumi.Input<string>[];
  /** The identity that runs `pulumi up` (an IAM member), exempt from the deny on administration. */
  deployer: string;
}

/**
 * Keeps the logging project to itself (LOG-01): the auditors' group is the only principal
 * granted anything besides the sink writers, and may read the audit bucket only; an IAM deny
 * policy stops everyone else, whatever roles they may come to hold, from writing log entries
 * directly (all but the sink writers, break-glass included) and from administering buckets and
 * sinks or changing IAM (all but the deployer and break-glass).
 */
export class LoggingIsolation extends pulumi.ComponentResource {
  public readonly denyPolicy: gcp.iam.DenyPolicy;

  constructor(name: string, args: LoggingIsolationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:logging:LoggingIsolation", name, {}, opts);
    new gcp.projects.IAMMember(
      `${name}-auditors-viewAccessor`,
      {
        project: args.loggingProject,
        role: AUDITOR_ROLE,
        member: `group:${args.auditorsGroup}`,
        condition: pulumi
          .output(args.loggingProject)
          .apply((project) => auditViewCondition(project, args.region, args.bucketId)),
      },
      { parent: this },
    );
    const breakGlass = args.breakGlassAccounts.map((account) => denyPrincipal(`user:${account}`));
    this.denyPolicy = new gcp.iam.DenyPolicy(
      `${name}-deny`,
      {
        // The parent is the URL-encoded resource name (provider docs of gcp.iam.DenyPolicy).
        parent: pulumi
          .output(args.loggingProject)
          .apply((p) => encodeURIComponent(`cloudresourcemanager.googleapis.com/projects/${p}`)),
        name: "protect-audit-log",
        // At most 63 characters (IAM v2 Policy.displayName).
        displayName: "Audit log: only the deployer and break-glass administer it",
        rules: [
          {
            description: "Deny log bucket and sink administration and IAM changes to all but the deployer.",
            denyRule: {
              deniedPrincipals: ["principalSet://goog/public:all"],
              exceptionPrincipals: [denyPrincipal(args.deployer), ...breakGlass],
              deniedPermissions: DENIED_ADMIN_PERMISSIONS,
            },
          },
          {
            description: "Deny direct log writes to all but the sink writers.",
            denyRule: {
              deniedPrincipals: ["principalSet://goog/public:all"],
              exceptionPrincipals: pulumi
                .all(args.writerIdentities)
                .apply((writers) => writers.map(denyPrincipal)),
              deniedPermissions: DENIED_WRITE_PERMISSIONS,
            },
          },
        ],
      },
      { parent: this, protect: args.protect ?? true },
    );
    this.registerOutputs({ denyPolicy: this.denyPolicy });
  }
}
