import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { denyPrincipal } from "./loggingIsolation";

/**
 * What cuts the audit trail outside the logging project (IAM v2 names, each listed in
 * facts/google/denyPermissions.ts, which the rehearsal rule deny-permission-supported holds every
 * deny policy to; whether https://cloud.google.com/iam/docs/deny-permissions-support lists each
 * is unverified there: prove on staging):
 * - routing: a project's sink deleted, disabled, re-filtered or given exclusions (a sink's
 *   `disabled` and `exclusions` change through sinks.update:
 *   https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.sinks);
 * - audit configuration: Data Access audit configs are part of the project's IAM policy and change
 *   only through setIamPolicy (terraform-provider-google iam_project.go; CIS GCP 2.5 alerts on its
 *   `auditConfigDeltas`), so denying it also denies every other IAM change in the project;
 * - the audit log's key: a version disabled (an update of its state) or destroyed, or the logging
 *   agent's grant revoked, leaves the locked bucket unreadable.
 */
export const AUDIT_TRAIL_DENIED = {
  routing: [
    "logging.googleapis.com/sinks.create",
    "logging.googleapis.com/sinks.update",
    "logging.googleapis.com/sinks.delete",
  ],
  auditConfig: ["cloudresourcemanager.googleapis.com/projects.setIamPolicy"],
  auditKey: [
    "cloudkms.googleapis.com/cryptoKeyVersions.destroy",
    "cloudkms.googleapis.com/cryptoKeyVersions.update",
    "cloudkms.googleapis.com/cryptoKeys.setIamPolicy",
  ],
} as const;

/** The deny policy's name on every scope; the logging project's own is `protect-audit-log`. */
export const AUDIT_TRAIL_POLICY_NAME = "protect-audit-trail";

/** One attachment point of the deny policy. */
export interface AuditTrailScope {
  /** Names the policy's resource (`${name}-${key}`). */
  key: string;
  /** `folders/<id>` or `projects/<id>`. */
  name: pulumi.Input<string>;
  /**
   * Service agents (IAM members) that change the IAM policies here on the platform's behalf,
   * excepted from the setIamPolicy rule only: Privileged Access Manager's agent writes each
   * just-in-time grant as a conditional binding with the project's setIamPolicy
   * (roles/privilegedaccessmanager.projectServiceAgent), so denying it that makes every approved
   * grant fail (IAM-07). Every change it makes is still logged and alerted on.
   * @default []
   */
  iamGrantingAgents?: string[];
}

export interface AuditTrailGuardArgs {
  /**
   * Where the deny policy is attached, each a Resource Manager name: `folders/<id>` (the folder of
   * the projects the stack creates: it covers them and any project added later) or
   * `projects/<id>` for each adopted project.
   */
  scopes: AuditTrailScope[];
  /** The identity that runs `pulumi up` (an IAM member): it manages the sinks, audit configs and key grants. */
  deployer: string;
  /**
   * The break-glass user accounts (e-mail addresses) exempt in an emergency: each by name, never
   * through a group. Audit logs name the account that acted (`authenticationInfo.principalEmail`),
   * never the group that exempted it, so only the accounts the break-glass alert names may be
   * exempt: an exemption by group lets a member added outside the code act unalerted (IAM-07).
   */
  breakGlassAccounts: string[];
  /**
   * Protect the policy (`protect`). Only an ephemeral environment turns it off.
   * @default true
   */
  protect?: boolean;
}

/**
 * Keeps the audit trail whole in every project of the stack (LOG-01, LOG-03, LOG-04, LOG-05): an
 * IAM deny policy on the folder or on each project stops everyone but the deployer and break-glass
 * from changing log sinks, Data Access audit configs (the IAM policy) and the audit log's key,
 * whatever roles they hold. Deny conditions can only test resource tags
 * (https://cloud.google.com/iam/docs/deny-overview#conditions), so the key rule covers every key of
 * the KMS project, which only the deployer administers anyway (ENC-05, ENC-08).
 */
export class AuditTrailGuard extends pulumi.ComponentResource {
  public readonly policies: gcp.iam.DenyPolicy[];

  constructor(name: string, args: AuditTrailGuardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:logging:AuditTrailGuard", name, {}, opts);
    const exceptions = [
      denyPrincipal(args.deployer),
      ...args.breakGlassAccounts.map((account) => denyPrincipal(`user:${account}`)),
    ];
    const rule = (description: string, permissions: readonly string[], alsoExcepted: string[] = []) => ({
      description,
      denyRule: {
        deniedPrincipals: ["principalSet://goog/public:all"],
        exceptionPrincipals: [...exceptions, ...alsoExcepted],
        deniedPermissions: [...permissions],
      },
    });
    this.policies = args.scopes.map(
      (scope) =>
        new gcp.iam.DenyPolicy(
          `${name}-${scope.key}`,
          {
            parent: pulumi
              .output(scope.name)
              .apply((n) => encodeURIComponent(`cloudresourcemanager.googleapis.com/${n}`)),
            name: AUDIT_TRAIL_POLICY_NAME,
            displayName: "Audit trail: only the deployer and break-glass change it",
            rules: [
              rule(
                "Log sinks: no deletion, disabling, filter or exclusion change.",
                AUDIT_TRAIL_DENIED.routing,
              ),
              rule(
                "Data Access audit configs (part of the IAM policy); PAM's agent writes the just-in-time grants.",
                AUDIT_TRAIL_DENIED.auditConfig,
                (scope.iamGrantingAgents ?? []).map(denyPrincipal),
              ),
              rule("Key versions and key IAM (the audit log's key among them).", AUDIT_TRAIL_DENIED.auditKey),
            ],
          },
          { parent: this, protect: args.protect ?? true },
        ),
    );
    this.registerOutputs({ policies: this.policies });
  }
}
