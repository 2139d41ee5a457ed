import * as pulumi from "@pulumi/pulumi";

/**
 * Security Command Center's service agents that scan inside the projects: the API's own, Container
 * Threat Detection's, and with the Enterprise tier Compliance Manager's. Activated at the
 * organisation they are the organisation's (`service-org-<number>@…`: cloud-foundation-fabric
 * modules/organization/service-agents.yaml, security-center-api, ktd-hpsa, csc-hpsa); activated per
 * project, each project's own (modules/project/service-agents.yaml, securitycenter, ktd-hpsa).
 * fabric's hardened perimeter admits exactly these, in and out, for every service
 * (fast/stages/1-vpcsc/datasets/hardened/ingress-policies/fast-org-scc.yaml, egress-policies/fast-org-scc.yaml).
 */
export function sccAgents(
  scc: { tier: "PREMIUM" | "ENTERPRISE"; activation: "organization" | "project" },
  organizationId: string,
  projectNumbers: pulumi.Input<string>[],
): pulumi.Output<string[]> {
  if (scc.activation === "organization") {
    const org = (domain: string) => `serviceAccount:service-org-${organizationId}@${domain}`;
    return pulumi.output([
      org("security-center-api.iam.gserviceaccount.com"),
      org("gcp-sa-ktd-hpsa.iam.gserviceaccount.com"),
      ...(scc.tier === "ENTERPRISE" ? [org("gcp-sa-csc-hpsa.iam.gserviceaccount.com")] : []),
    ]);
  }
  return pulumi
    .all(projectNumbers)
    .apply((numbers) =>
      numbers.flatMap((n) => [
        `serviceAccount:service-${n}@gcp-sa-securitycenter.iam.gserviceaccount.com`,
        `serviceAccount:service-${n}@gcp-sa-ktd-hpsa.iam.gserviceaccount.com`,
      ]),
    );
}
