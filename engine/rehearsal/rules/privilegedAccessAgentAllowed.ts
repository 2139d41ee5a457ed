import { ALL_PRINCIPALS, v2Principal } from "../facts/permissions";
import { covers } from "./denyPolicyDeployer";
import { plain } from "../../deployment";
import { label, RehearsalRule } from "../model";

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
 * A deny policy attached to a folder covers the projects in it (https://cloud.google.com/iam/docs/deny-overview).
 */
export const privilegedAccessAgentAllowed: RehearsalRule = {
  id: "privileged-access-agent-allowed",
  severity: "error",
  description:
    "No IAM deny policy of a project with entitlements denies Privileged Access Manager's agent the setIamPolicy its grants need.",
  sources: [
    "https://cloud.google.com/iam/docs/deny-overview",
    "https://cloud.google.com/iam/docs/roles-permissions/privilegedaccessmanager (roles/privilegedaccessmanager.projectServiceAgent)",
  ],
  check(ctx, report) {
    const pam = ctx.stack.prerequisites.privilegedAccessManager;
    if (!pam) return;
    const agent = v2Principal(
      `serviceAccount:service-org-${pam.organizationId}@gcp-sa-pam.iam.gserviceaccount.com`,
    );
    const entitlements = ctx.resources.filter((r) => r.type === ENTITLEMENT);
    const projectOf = (r: (typeof entitlements)[number]) =>
      /^projects\/([^/]+)$/.exec(String(plain(r.inputs.parent) ?? ""))?.[1];
    for (const policy of ctx.resources.filter((r) => r.type === DENY_TYPE)) {
      // A project's own deny policy, or a folder's, which covers the projects in it.
      const covered = [...new Set(entitlements.filter(covers(ctx, policy)).map(projectOf))].filter(
        (p): p is string => !!p,
      );
      if (!covered.length) continue;
      const project = covered.join(", ");
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
        report.asWritten.error(
          this.id,
          policy,
          `${label(policy)} denies ${SET_IAM_POLICY} in ${project} to Privileged Access Manager's agent (${agent}), whose entitlements there then can never be granted. Add the agent to the rule's exceptionPrincipals.`,
        );
    }
  },
};
