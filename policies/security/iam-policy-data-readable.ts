import { anyResourcePolicy } from "../lib/define";
import { isIamPolicyType, readPolicyData } from "../lib/iamPolicies";

/**
 * The packs judge an authoritative IAM policy by its bindings (policies/lib/iamPolicies.ts); one
 * whose policyData they cannot read would pass every rule unjudged, yet the provider may still
 * apply what Google accepts. Unknown at preview, it is judged at `up` when its value is known.
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
    return reading !== "unknown" && "unreadable" in reading
      ? [
          {
            problem: `${reading.unreadable}: a policy the packs cannot read is not judged`,
            fix: 'write policyData as the JSON of {"bindings": [{"role": ..., "members": [...]}]}, or grant per member with the IamMember type',
          },
        ]
      : [];
  },
);
