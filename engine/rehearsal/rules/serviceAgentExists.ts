import { agentOfDomain, parseAgent } from "../../../facts/google/serviceAgents";
import { apiProblem, grantMembers, isGrant } from "../lookup";
import { label, RehearsalRule } from "../model";
import { RuleSeverity } from "../../rule";

const IDENTITY_TYPE = "gcp:projects/serviceIdentity:ServiceIdentity";

/** A grant to a Google service agent waits until the agent exists. */
export const serviceAgentExists: RehearsalRule = {
  id: "service-agent-exists",
  severity: "error",
  description:
    "A grant to a service agent starts only after the agent exists: ordinary agents once their API is enabled, just-in-time agents once a ServiceIdentity (or first use) has created them.",
  sources: [
    "https://cloud.google.com/iam/docs/service-agents",
    "https://cloud.google.com/iam/docs/create-service-agents",
    "cloud-foundation-fabric modules/project/service-agents.yaml",
  ],
  check(ctx, report) {
    const push = (urn: string, severity: RuleSeverity, message: string) =>
      report.asWritten[severity](this.id, { urn }, message);
    for (const grant of ctx.resources.filter(isGrant)) {
      for (const member of grantMembers(grant)) {
        const agent = parseAgent(member);
        if (!agent) continue;
        const fact = agentOfDomain(agent.domain)?.fact;
        if (!fact) {
          push(
            grant.urn,
            "warning",
            `${label(grant)} grants to ${agent.email}, a service agent the model does not know: add it to facts/google/serviceAgents.ts`,
          );
          continue;
        }
        const project = ctx.stack.projectNumbers.get(agent.number);
        if (!project) {
          push(
            grant.urn,
            "warning",
            `${label(grant)} grants to ${agent.email}: no project of this stack has number ${agent.number} (the projectNumbers stack output names them)`,
          );
          continue;
        }
        const apiGap = apiProblem(ctx, grant, project, fact.api);
        if (apiGap) {
          push(
            grant.urn,
            "error",
            `${label(grant)} grants to the ${fact.api} service agent of ${project}, which exists only once that API is enabled: ${apiGap}.`,
          );
          continue;
        }
        if (fact.atEnablement || !fact.serviceIdentity) continue;
        const identities = ctx.resources.filter(
          (r) => r.type === IDENTITY_TYPE && r.inputs.service === fact.api && r.inputs.project === project,
        );
        if (identities.some((i) => ctx.order.precedes(i.urn, grant.urn))) continue;
        push(
          grant.urn,
          "error",
          identities.length
            ? `${label(grant)} grants to ${agent.email}, a just-in-time agent that ${identities[0].name} creates, but nothing orders the two: the grant can run first and fail ("Service account … does not exist"). Depend on ${identities[0].name} or take the member from its output.`
            : `${label(grant)} grants to ${agent.email}, a just-in-time agent of ${fact.api} that Google creates only on first use: create it first with gcp.projects.ServiceIdentity (service ${fact.api}, project ${project}) and take the member from its output.`,
        );
      }
    }
  },
};
