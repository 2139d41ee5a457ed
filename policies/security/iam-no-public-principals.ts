import { anyResourcePolicy } from "../lib/define";

const PUBLIC = ["allUsers", "allAuthenticatedUsers"];

export const iamNoPublicPrincipals = anyResourcePolicy(
  {
    name: "iam-no-public-principals",
    description: "No IAM grant names allUsers or allAuthenticatedUsers.",
    controls: ["IAM-02"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Remove the public principal from the grant.",
  },
  (resource) => {
    const members = [resource.props.member, ...((resource.props.members as unknown[]) ?? [])].map(String);
    const found = members.filter((m) => PUBLIC.includes(m));
    return found.length
      ? [
          {
            problem: `grants ${String(resource.props.role)} to ${found.join(", ")}`,
            fix: "grant named principals only",
          },
        ]
      : [];
  },
);
