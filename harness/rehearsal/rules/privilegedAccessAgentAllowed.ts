import { ALL_PRINCIPALS, v2Principal } from "../facts/permissions";
import { projectName } from "../lookup";
import { plain } from "../../deployment";
import { Finding, label, RehearsalRule } from "../model";

const DENY_TYPE = "gcp:iam/denyPolicy:DenyPolicy";
const ENTITLEMENT = "gcp:privilegedaccessmanager/entitlement:entitlement";
const SET_IAM_POLICY = "cloudresourcemanager.googleapis.com/projects.setIamPolicy";

interface DenyRule {
  deniedPrincipals?: string[];
  exceptionPrincipals?: string[];
  deniedPermissions?: string[];
  denialCondition?: unknown;
}

/**
 * Privileged Access Manager grants by adding a conditional binding to the project's IAM policy as
 * its own service agent (roles/privilegedaccessmanager.projectServiceAgent: the project's
 * getIamPolicy and setIamPolicy). A deny policy of the project that denies
 * that agent setIamPolicy makes every entitlement there useless: a grant is approved, then fails.
 */
export const privilegedAccessAgentAllowed: RehearsalRule = {
  id: "privileged-access-agent-allowed",
  description:
    "No IAM deny policy of a project with entitlements denies Privileged Access Manager's agent the setIamPolicy its grants need.",
  sources: [
    "https://cloud.google.com/iam/docs/deny-overview",
    "https://cloud.google.com/iam/docs/roles-permissions/privilegedaccessmanager (roles/privilegedaccessmanager.projectServiceAgent)",
  ],
  check(ctx) {
    const findings: Finding[] = [];
    const pam = ctx.stack.prerequisites.privilegedAccessManager;
    if (!pam) return findings;
    const agent = v2Principal(
      `serviceAccount:service-org-${pam.organizationId}@gcp-sa-pam.iam.gserviceaccount.com`,
    );
    const entitled = new Set(
      ctx.resources
        .filter((r) => r.type === ENTITLEMENT)
        .map((r) => /^projects\/([^/]+)$/.exec(String(plain(r.inputs.parent) ?? ""))?.[1])
        .filter((p): p is string => !!p),
    );
    for (const policy of ctx.resources.filter((r) => r.type === DENY_TYPE)) {
      const project = projectName(ctx, policy);
      if (!project || !entitled.has(project)) continue;
      const rules = ((plain(policy.inputs.rules) as { denyRule?: DenyRule }[]) ?? []).map(
        (r) => r.denyRule ?? {},
      );
      const denies = rules.some(
        (rule) =>
          (rule.deniedPrincipals ?? []).some((p) => p === ALL_PRINCIPALS || p === agent) &&
          !(rule.exceptionPrincipals ?? []).includes(agent) &&
          !rule.denialCondition &&
          (rule.deniedPermissions ?? []).includes(SET_IAM_POLICY),
      );
      if (denies)
        findings.push({
          rule: this.id,
          urn: policy.urn,
          severity: "error",
          message: `${label(policy)} denies ${SET_IAM_POLICY} in ${project} to Privileged Access Manager's agent (${agent}), whose entitlements there then can never be granted. Add the agent to the rule's exceptionPrincipals.`,
        });
    }
    return findings;
  },
};
