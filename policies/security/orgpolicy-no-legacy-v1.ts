import { anyResourcePolicy } from "../lib/define";

// The Cloud Resource Manager v1 org policy types. magic-modules
// mmv1/third_party/terraform/website/docs/r/google_project_organization_policy.html.markdown: "This
// resource has been superseded by `google_org_policy_policy`. `google_org_policy_policy` uses
// Organization Policy API V2 instead of Cloud Resource Manager API V1" (it calls
// Projects.SetOrgPolicy). The stack declares every guardrail as gcp:orgpolicy/policy:Policy from
// the catalogue, judged by orgpolicy-guardrails-applied; a v1 policy is a second writer of the same
// constraint on the same resource, which that policy never reads.
const LEGACY = [
  "gcp:projects/organizationPolicy:OrganizationPolicy",
  "gcp:folder/organizationPolicy:OrganizationPolicy",
  "gcp:organizations/policy:Policy",
];

export const orgpolicyNoLegacyV1 = anyResourcePolicy(
  {
    name: "orgpolicy-no-legacy-v1",
    description:
      "No organisation policy is set through the legacy Cloud Resource Manager v1 types (project, folder or organisation OrganizationPolicy/Policy); guardrails are Organization Policy v2 policies.",
    controls: ["GOV-03"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Delete the v1 resource and declare the guardrail with gcp:orgpolicy/policy:Policy in the catalogue (catalogue/orgConstraints), which OrgGuardrails applies to every scope.",
  },
  (r) => {
    if (!LEGACY.includes(r.type)) return [];
    const scope =
      r.props.project !== undefined
        ? `project ${String(r.props.project)}`
        : r.props.folder !== undefined
          ? String(r.props.folder)
          : `organizations/${String(r.props.orgId)}`;
    const what = r.props.booleanPolicy
      ? `booleanPolicy ${JSON.stringify(r.props.booleanPolicy)}`
      : r.props.listPolicy
        ? `listPolicy ${JSON.stringify(r.props.listPolicy)}`
        : r.props.restorePolicy
          ? "restorePolicy (Google's default)"
          : "a policy";
    return [
      {
        problem: `it sets ${String(r.props.constraint)} on ${scope} to ${what} through the legacy v1 API: a second writer of the constraint the guardrails set, outside their checks`,
        fix: "declare guardrails with gcp:orgpolicy/policy:Policy in the catalogue",
      },
    ];
  },
);
