import { anyResourcePolicy } from "../lib/define";

export const iamNoServiceAccountKeys = anyResourcePolicy(
  {
    name: "iam-no-service-account-keys",
    description: "No service-account key is created; workloads authenticate with Workload Identity.",
    controls: ["IAM-03"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Delete the key and bind the workload's Kubernetes service account through Workload Identity.",
  },
  (resource) =>
    resource.type === "gcp:serviceaccount/key:Key"
      ? [
          {
            problem: `creates a key for ${String(resource.props.serviceAccountId)}`,
            fix: "remove it and use Workload Identity",
          },
        ]
      : [],
);
