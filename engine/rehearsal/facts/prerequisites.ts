/**
 * What a stack declares that its organisation has done outside it, and Pulumi cannot do: the stack
 * output `externalPrerequisites` (platform/build.ts), so that a `pulumi stack export` carries it too.
 * The rehearsal reports each one with the command that verifies it, and refuses resources that need
 * one the stack does not declare.
 */
export interface ExternalPrerequisites {
  /**
   * Security Command Center, activated by the organisation ("Enterprise and the posture service are
   * organisation-only"); no Pulumi resource activates it or switches its detectors on.
   */
  securityCommandCenter?: {
    tier: string;
    activation: "organization" | "project";
    organizationId: string;
    pciComplianceFramework: boolean;
  };
  /** Privileged Access Manager onboarded: the organisation's PAM service agent exists. */
  privilegedAccessManager?: { organizationId: string };
}

export interface Prerequisite {
  id: string;
  /** What must be true, said as a fact the stack relies on. */
  what: string;
  /** The read-only command an operator runs to confirm it. */
  verify: string;
}

/** The prerequisites a stack declares, as the rehearsal reports them. */
export function prerequisitesOf(p: ExternalPrerequisites): Prerequisite[] {
  const out: Prerequisite[] = [];
  const scc = p.securityCommandCenter;
  if (scc) {
    const where =
      scc.activation === "organization"
        ? `organisation ${scc.organizationId}`
        : "each of the stack's projects";
    const parent =
      scc.activation === "organization" ? `--organization=${scc.organizationId}` : "--project=<project>";
    out.push({
      id: "scc-activation",
      what: `Security Command Center ${scc.tier} is activated for ${where}, with Security Health Analytics, Event Threat Detection and Container Threat Detection enabled (DET-01)`,
      verify: ["security-health-analytics", "event-threat-detection", "container-threat-detection"]
        .map((service) => `gcloud scc manage services describe ${service} ${parent}`)
        .join(" && "),
    });
    if (scc.pciComplianceFramework)
      out.push({
        id: "scc-pci-framework",
        what: `Compliance Manager's PCI DSS v4.0 framework is deployed by organisation ${scc.organizationId} on the stack's projects`,
        // Cloud Security Compliance API: organizations.locations.frameworkDeployments.list.
        verify: `curl -H "Authorization: Bearer $(gcloud auth print-access-token)" https://cloudsecuritycompliance.googleapis.com/v1/organizations/${scc.organizationId}/locations/global/frameworkDeployments`,
      });
  }
  const pam = p.privilegedAccessManager;
  if (pam)
    out.push({
      id: "pam-onboarding",
      what: `Privileged Access Manager is onboarded in organisation ${pam.organizationId}: its service agent service-org-${pam.organizationId}@gcp-sa-pam.iam.gserviceaccount.com exists`,
      verify: "gcloud pam check-onboarding-status --project=<project> --location=global",
    });
  return out;
}

/**
 * The Security Command Center agents that scan inside the projects, as its activation makes them:
 * the organisation's (`service-org-<number>@…`) or each project's (cloud-foundation-fabric
 * modules/organization and modules/project service-agents.yaml: security-center-api / securitycenter,
 * ktd-hpsa, and csc-hpsa for Compliance Manager, an Enterprise feature). fabric's hardened perimeter
 * admits them for every service (fast/stages/1-vpcsc/datasets/hardened/ingress-policies/fast-org-scc.yaml).
 */
export function sccScanners(
  scc: NonNullable<ExternalPrerequisites["securityCommandCenter"]>,
  projectNumbers: string[],
): string[] {
  if (scc.activation === "organization")
    return [
      "security-center-api",
      "gcp-sa-ktd-hpsa",
      ...(scc.tier === "ENTERPRISE" ? ["gcp-sa-csc-hpsa"] : []),
    ].map((d) => `serviceAccount:service-org-${scc.organizationId}@${d}.iam.gserviceaccount.com`);
  return projectNumbers.flatMap((n) =>
    ["gcp-sa-securitycenter", "gcp-sa-ktd-hpsa"].map(
      (d) => `serviceAccount:service-${n}@${d}.iam.gserviceaccount.com`,
    ),
  );
}
