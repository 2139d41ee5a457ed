import { anyResourcePolicy } from "../lib/define";
import { isIamPolicyType, readPolicyData } from "../lib/iamPolicies";

/**
 * The packs judge an authoritative IAM policy by its bindings (policies/lib/iamPolicies.ts); one
 * whose policyData they cannot read would pass every rule unjudged, yet the provider may still
 * apply what Google accepts. Unknown at preview it is refused too: the grant checks are stack
 * policies, which at `up` run only once every resource is applied (pulumi/pulumi
 * pkg/resource/deploy/step_generator.go AnalyzeResources: "AnalyzeStack is called on the final
 * outputs of each resource").
 */
export const iamPolicyDataReadable = anyResourcePolicy(
  {
    name: "iam-policy-data-readable",
    description:
      "Every authoritative IAM policy (a *IamPolicy resource) has policyData the packs can read as bindings of a role to members, so that each of its grants is judged.",
    controls: ["IAM-07", "IAM-02"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      'Write policyData as the JSON of {"bindings": [{"role": "...", "members": ["..."]}]} (gcp.organizations.getIAMPolicy), or grant per member with the *IamMember type.',
  },
  (resource) => {
    if (!isIamPolicyType(resource.type)) return [];
    const reading = readPolicyData(resource.props);
    if (reading === "unknown")
      return [
        {
          problem:
            "policyData is unknown at preview: its grants would be judged only at the end of `up`, once applied (the grant checks judge the whole stack)",
          fix: "write the bindings in the change (literal JSON or gcp.organizations.getIAMPolicy of literal bindings), or grant per member with the IamMember type",
        },
      ];
    if ("unreadable" in reading)
      return [
        {
          problem: `${reading.unreadable}: a policy the packs cannot read is not judged`,
          fix: 'write policyData as the JSON of {"bindings": [{"role": ..., "members": [...]}]}, or grant per member with the IamMember type',
        },
      ];
    return reading.auditConfigs
      ? [
          {
            problem:
              "policyData carries auditConfigs: an authoritative policy replaces the audit logging the stack declares, and no audit policy reads what it sets (exemptions included)",
            fix: "declare audit logging with the IAMAuditConfig types (components/dataAccessAudit.ts), never inside an IAM policy",
          },
        ]
      : [];
  },
);
