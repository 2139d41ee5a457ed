import { Finding, stackPolicy } from "../lib/define";
import { agentScope, foreignOrganizationAgent, stackOrganizations } from "../lib/perimeterAgents";

const PERIMETER = "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter";

interface Egress {
  title?: string;
  egressFrom?: { identities?: string[]; identityType?: string; sources?: unknown[] };
  egressTo?: { resources?: string[]; externalResources?: string[]; operations?: { serviceName?: string }[] };
}

/**
 * A perimeter's egress rules are the ways data leaves it. The platform needs one: Security Command
 * Center's detectors reading the projects for the organisation's findings. Any other identity,
 * or an identity type in place of identities (magic-modules ServicePerimeter.yaml, identityType:
 * "the type of identities that are allowed access to outside the perimeter"), is a way out.
 */
export const perimeterEgressAgentsOnly = stackPolicy(
  {
    name: "vpcsc-perimeter-egress-agents-only",
    description:
      "Only Security Command Center's detectors leave the perimeter: no egress rule, in the enforced or the dry-run configuration, lets an identity type or any other identity call services outside it.",
    controls: ["NET-07"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Remove the egress rule (components/servicePerimeter.ts); data the workloads need from outside comes in through the perimeter's own projects, never by letting their identities out.",
  },
  (resources) => {
    const findings: Finding[] = [];
    const orgs = stackOrganizations(resources);
    for (const p of resources.filter((r) => r.type === PERIMETER)) {
      for (const [config, label] of [
        [p.props.status, "status"],
        [p.props.spec, "spec"],
      ] as const) {
        const egress = ((config as { egressPolicies?: Egress[] } | undefined)?.egressPolicies ??
          []) as Egress[];
        egress.forEach((e, i) => {
          const from = e.egressFrom ?? {};
          const type = from.identityType && from.identityType !== "IDENTITY_TYPE_UNSPECIFIED";
          // Only the agents whose scope leaves the perimeter (the detectors): PAM's and the
          // notification agent's calls all land inside it.
          const others = (from.identities ?? []).filter(
            (m) => !agentScope(m)?.egress || foreignOrganizationAgent(m, orgs),
          );
          if (!type && !others.length && (from.identities ?? []).length) return;
          const to = [...(e.egressTo?.resources ?? []), ...(e.egressTo?.externalResources ?? [])];
          findings.push({
            urn: p.urn,
            problem: `${label} egress rule ${i + 1}${e.title ? ` (${e.title})` : ""} lets ${type ? `identityType ${String(from.identityType)}` : others.join(", ") || "nobody named"} out of the perimeter to ${to.join(", ") || "no resource"}`,
            fix: "remove the egress rule: only Security Command Center's detectors leave the perimeter",
          });
        });
      }
    }
    return findings;
  },
);
