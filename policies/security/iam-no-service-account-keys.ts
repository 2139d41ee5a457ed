import * as gcp from "@pulumi/gcp";
import { resourcePolicy } from "../lib/define";

export const iamNoServiceAccountKeys = resourcePolicy<gcp.serviceaccount.KeyArgs>(
  {
    name: "iam-no-service-account-keys",
    description: "No service-account key is created; workloads authenticate with Workload Identity.",
    controls: ["IAM-03"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Delete the key and bind the workload's Kubernetes service account through Workload Identity.",
  },
  gcp.serviceaccount.Key,
  (key) => [
    {
      problem: `creates a key for ${String(key.serviceAccountId)}`,
      fix: "remove it and use Workload Identity",
    },
  ],
);
