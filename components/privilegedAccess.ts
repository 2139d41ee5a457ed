import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { ENTITLEMENT_ROLES } from "../catalogue/entitlementRoles";
import { grantPropagation } from "./lib/propagation";

/** The custom roles entitlements grant (IAM-07), from the catalogue. */
export const ENTITLEMENT_CUSTOM_ROLES = ENTITLEMENT_ROLES;
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
