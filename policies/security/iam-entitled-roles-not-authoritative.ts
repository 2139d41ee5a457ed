import { Finding, stackPolicy } from "../lib/define";
import { entitlements } from "../lib/privilegedAccess";

const PROJECT_BINDING = "gcp:projects/iAMBinding:IAMBinding";
const PROJECT_POLICY = "gcp:projects/iAMPolicy:IAMPolicy";

export const iamEntitledRolesNotAuthoritative = stackPolicy(
  {
    name: "iam-entitled-roles-not-authoritative",
    description:
      "No project with entitlements has its IAM policy, or the binding of a role an entitlement grants, managed authoritatively: it would remove the conditional bindings of active grants on the next update.",
    controls: ["IAM-07"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Grant with gcp.projects.IAMMember; Privileged Access Manager adds and removes its own conditional bindings of the entitled roles.",
  },
  (resources) => {
    const entitled = new Map<string, Set<string>>();
    for (const e of entitlements(resources))
      if (e.project) entitled.set(e.project, new Set([...(entitled.get(e.project) ?? []), ...e.roles]));
    const findings: Finding[] = [];
    for (const r of resources) {
      const roles = entitled.get(String(r.props.project));
      if (!roles) continue;
      if (r.type === PROJECT_POLICY)
        findings.push({
          urn: r.urn,
          problem: `it replaces the whole IAM policy of project ${String(r.props.project)}, where Privileged Access Manager adds grants`,
          fix: "manage individual members with gcp.projects.IAMMember",
        });
      if (r.type === PROJECT_BINDING && roles.has(String(r.props.role)))
        findings.push({
          urn: r.urn,
          problem: `it manages every member of ${String(r.props.role)}, which an entitlement grants, in project ${String(r.props.project)}`,
          fix: "use gcp.projects.IAMMember for the members the stack grants",
        });
    }
    return findings;
  },
);
