import { anyResourcePolicy } from "../lib/define";

const PUBLIC = ["allUsers", "allAuthenticatedUsers"];
/**
 * `domain:D` is everyone of a Google Workspace domain: "A Google Apps domain name that represents all
 * the users of that domain" (https://cloud.google.com/java/docs/reference/google-cloud-core/latest/com.google.cloud.Identity,
 * domain(String)) — every employee, contractor and compromised mailbox, never a named principal.
 */
const isPublic = (m: string) => PUBLIC.includes(m) || m.startsWith("domain:");

export const iamNoPublicPrincipals = anyResourcePolicy(
  {
    name: "iam-no-public-principals",
    description: "No IAM grant names allUsers, allAuthenticatedUsers or a whole domain (domain:).",
    controls: ["IAM-02"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Remove the public principal from the grant.",
  },
  (resource) => {
    const members = [resource.props.member, ...((resource.props.members as unknown[]) ?? [])].map(String);
    const found = members.filter(isPublic);
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
