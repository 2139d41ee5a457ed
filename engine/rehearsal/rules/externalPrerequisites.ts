import { CapturedResource } from "../../model";
import { plain } from "../../deployment";
import { label, RehearsalRule } from "../model";

const MODULES = [
  "gcp:securitycenter/managementProjectSecurityHealthAnalyticsCustomModule:ManagementProjectSecurityHealthAnalyticsCustomModule",
  "gcp:securitycenter/managementFolderSecurityHealthAnalyticsCustomModule:ManagementFolderSecurityHealthAnalyticsCustomModule",
];
const NOTIFICATION_CONFIG = "gcp:securitycenter/v2ProjectNotificationConfig:V2ProjectNotificationConfig";
const ENTITLEMENT = "gcp:privilegedaccessmanager/entitlement:entitlement";
/** The role PAM's agent holds on a project whose entitlements it grants (components/privilegedAccess.ts). */
const PAM_AGENT_ROLE = "roles/privilegedaccessmanager.projectServiceAgent";
/** The tiers that run Security Health Analytics custom modules ("Premium or Enterprise"). */
const MODULE_TIERS = ["PREMIUM", "ENTERPRISE"];

/**
 * What the organisation must have done before a first `up`, which no resource of the stack does:
 * Security Command Center activated at a tier that runs custom modules (Standard does not), and
 * Privileged Access Manager onboarded so that its agent exists. A resource that needs one is refused
 * unless the stack declares it (stack output externalPrerequisites, from its configuration), and
 * PAM's agent granted on the projects must be the one of the organisation the stack declares.
 */
export const externalPrerequisites: RehearsalRule = {
  id: "external-prerequisites",
  severity: "error",
  description:
    "Security Command Center's custom modules and notification configs, and Privileged Access Manager's entitlements, are deployed only where the stack declares the organisation's activation of them (Security Command Center Premium or Enterprise; PAM onboarded, its agent the declared organisation's); the rehearsal reports each declared prerequisite with the command that verifies it.",
  sources: [
    "https://cloud.google.com/security-command-center/docs/custom-modules-sha-overview",
    "https://cloud.google.com/iam/docs/pam-permissions-and-setup",
    "cloud-foundation-fabric modules/organization/service-agents.yaml (pam, scc-notification)",
  ],
  check(ctx, report) {
    const first = (types: string[]) => ctx.resources.find((r) => types.includes(r.type));
    const error = (r: CapturedResource, message: string) =>
      report.asWritten.error(this.id, r, `${label(r)} ${message}`);
    const scc = ctx.stack.prerequisites.securityCommandCenter;
    const module = first(MODULES);
    const config = first([NOTIFICATION_CONFIG]);
    if (!scc) {
      for (const r of [module, config].filter((x): x is CapturedResource => !!x))
        error(
          r,
          "needs Security Command Center activated by the organisation, which the stack does not declare: set securityCommandCenterTier (and securityCommandCenterActivation) once it is.",
        );
    } else if (module && !MODULE_TIERS.includes(scc.tier))
      error(
        module,
        `is a Security Health Analytics custom module, which the ${scc.tier} tier the stack declares does not run (Premium or Enterprise).`,
      );
    if (scc?.pciComplianceFramework && (scc.tier !== "ENTERPRISE" || scc.activation !== "organization"))
      report.asWritten.error(
        this.id,
        { urn: ctx.resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "" },
        "The stack declares Compliance Manager's PCI DSS framework, which needs the Enterprise tier activated at the organisation.",
      );
    const pam = ctx.stack.prerequisites.privilegedAccessManager;
    const entitlement = first([ENTITLEMENT]);
    if (entitlement && !pam)
      error(
        entitlement,
        "needs Privileged Access Manager onboarded in the organisation (its service agent), which the stack does not declare.",
      );
    if (pam)
      for (const grant of ctx.resources.filter((r) => r.inputs.role === PAM_AGENT_ROLE)) {
        const member = String((plain(grant.inputs) as { member?: string }).member ?? "");
        const expected = `serviceAccount:service-org-${pam.organizationId}@gcp-sa-pam.iam.gserviceaccount.com`;
        if (member !== expected)
          error(
            grant,
            `grants ${PAM_AGENT_ROLE} to ${member}, not the agent of organisation ${pam.organizationId} that the stack declares onboarded (${expected}): no grant of an entitlement could be activated.`,
          );
      }
  },
};
