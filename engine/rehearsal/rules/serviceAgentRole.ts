import { apiFactOf } from "../facts/apis";
import { AGENT_BEFORE_FIRST_USE, agentOfApi } from "../../../facts/google/serviceAgents";
import { grantMembers, projectName } from "../lookup";
import { isCloudResource } from "../../model";
import { label, RehearsalRule } from "../model";

const IDENTITY_TYPE = "gcp:projects/serviceIdentity:ServiceIdentity";
const PROJECT_GRANT = "gcp:projects/iAMMember:IAMMember";

/** An agent the stack creates itself must be granted the role Google would have given it, before its service is used. */
export const serviceAgentRole: RehearsalRule = {
  id: "service-agent-role",
  severity: "error",
  description:
    "A service agent created with ServiceIdentity holds no role until the stack grants its service-agent role, and every resource of that service in the project waits for the grant; where first use races Google's own creation of the agent (private services access), the stack creates and grants it first.",
  sources: [
    "https://cloud.google.com/iam/docs/create-service-agents",
    "cloud-foundation-fabric modules/project/service-agents.yaml (role of each agent)",
    "https://github.com/hashicorp/terraform-provider-google/issues/14720",
  ],
  check(ctx, report) {
    const numberOf = new Map([...ctx.stack.projectNumbers].map(([number, id]) => [id, number]));
    const identities = ctx.resources.filter((r) => r.type === IDENTITY_TYPE);
    for (const r of ctx.resources) {
      const api = AGENT_BEFORE_FIRST_USE[r.type];
      const project = api && projectName(ctx, r);
      if (!project) continue;
      if (identities.some((i) => i.inputs.service === api && i.inputs.project === project)) continue;
      report.asWritten.error(
        this.id,
        r,
        `${label(r)} is the first use of ${api} in ${project}, which fails intermittently while Google is still creating its agent and granting it its role (terraform-provider-google issue 14720): create the agent with gcp.projects.ServiceIdentity, grant its role, and depend on the grant.`,
      );
    }
    for (const identity of identities) {
      const api = String(identity.inputs.service);
      const project = String(identity.inputs.project);
      const fact = agentOfApi(api)?.fact;
      if (!fact?.role) continue;
      const address = `serviceAccount:service-${numberOf.get(project) ?? "?"}@${fact.domain}`;
      const grants = ctx.resources.filter(
        (g) =>
          g.type === PROJECT_GRANT &&
          g.inputs.project === project &&
          g.inputs.role === fact.role &&
          grantMembers(g).includes(address),
      );
      if (!grants.length) {
        report.asWritten.error(
          this.id,
          identity,
          `${label(identity)} creates the ${api} agent of ${project} (${address.slice(15)}), which Google then grants no role: grant it ${fact.role} on the project, and make what uses ${api} wait for the grant.`,
        );
        continue;
      }
      for (const r of ctx.resources) {
        if (
          !isCloudResource(r) ||
          !(apiFactOf(r.type)?.apis ?? []).includes(api) ||
          projectName(ctx, r) !== project
        )
          continue;
        if (grants.some((g) => ctx.order.precedes(g.urn, r.urn))) continue;
        report.asWritten.error(
          this.id,
          r,
          `${label(r)} uses ${api} in ${project}, whose agent gets ${fact.role} only from ${grants[0].name}, and nothing orders it first: the service acts without its role. Depend on ${grants[0].name}.`,
        );
      }
    }
  },
};
