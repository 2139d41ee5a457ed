import { anyResourcePolicy, Finding } from "../lib/define";

const KEY = "gcp:serviceaccount/key:Key";
// @pulumi/gcp storage/hmacKey.d.ts: "HMAC keys can be used as credentials for service accounts".
const HMAC_KEY = "gcp:storage/hmacKey:HmacKey";
// @pulumi/gcp projects/apiKey.d.ts serviceAccountEmail: "If this field is specified, the key is a
// service account bound key and auth enabled" — a long-lived string that authenticates as the account.
const API_KEY = "gcp:projects/apiKey:ApiKey";

/** The long-lived credential a resource makes for a service account, or undefined. */
function credential(r: { type: string; props: Record<string, unknown> }): Finding | undefined {
  if (r.type === KEY)
    return {
      problem: `creates a key for ${String(r.props.serviceAccountId)}`,
      fix: "remove it and use Workload Identity",
    };
  if (r.type === HMAC_KEY)
    return {
      problem: `creates a Cloud Storage HMAC key for ${String(r.props.serviceAccountEmail)}: a long-lived secret that signs requests as the account`,
      fix: "remove it and use Workload Identity",
    };
  if (r.type === API_KEY && r.props.serviceAccountEmail !== undefined)
    return {
      problem: `creates an API key bound to ${String(r.props.serviceAccountEmail)}: a long-lived string that authenticates as the account`,
      fix: "remove serviceAccountEmail (or the key) and use Workload Identity",
    };
  return undefined;
}

export const iamNoServiceAccountKeys = anyResourcePolicy(
  {
    name: "iam-no-service-account-keys",
    description:
      "No service-account key, Cloud Storage HMAC key or service-account-bound API key is created; workloads authenticate with Workload Identity.",
    controls: ["IAM-03"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Delete the key and bind the workload's Kubernetes service account through Workload Identity.",
  },
  (r) => {
    const found = credential(r);
    return found ? [found] : [];
  },
);
