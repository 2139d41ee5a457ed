import { anyResourcePolicy } from "../lib/define";

const BASIC_ROLES = ["roles/owner", "roles/editor", "roles/viewer"];

export const iamNoBasicRoles = anyResourcePolicy(
  {
    name: "iam-no-basic-roles",
    description: "No basic role (owner, editor, viewer) is granted anywhere in the platform projects.",
    controls: ["IAM-01"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Replace the basic role with the predefined roles the principal needs.",
  },
  (resource) =>
    resource.type.startsWith("gcp:") && BASIC_ROLES.includes(String(resource.props.role))
      ? [
          {
            problem: `grants basic role ${String(resource.props.role)}`,
            fix: "grant a predefined, least-privilege role instead",
          },
        ]
      : [],
);
