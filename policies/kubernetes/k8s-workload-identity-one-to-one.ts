import { Finding, stackPolicy } from "../lib/define";
import { clusterOf, isApplicationNamespace, meta, namespacedName, ofKind } from "./k8s";

const WI_ROLE = "roles/iam.workloadIdentityUser";
const BINDING_TYPES = ["gcp:serviceaccount/iAMMember:IAMMember", "gcp:serviceaccount/iAMBinding:IAMBinding"];

/** `serviceAccount:POOL[ns/name]` → ns/name. */
function ksaOf(member: string): string | undefined {
  return /\.svc\.id\.goog\[([^\]]+)\]$/.exec(member)?.[1];
}

export const k8sWorkloadIdentity = stackPolicy(
  {
    name: "k8s-workload-identity-one-to-one",
    description:
      "Each workload has its own Kubernetes service account bound through Workload Identity to its own Google service account, and no other principal may act as that account.",
    controls: ["K8S-03", "IAM-03"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Annotate the workload's KSA with iam.gke.io/gcp-service-account and bind exactly that KSA with roles/iam.workloadIdentityUser on its Google service account.",
  },
  (resources) => {
    const findings: Finding[] = [];
    const accounts = resources.filter((r) => r.type === "gcp:serviceaccount/account:Account");
    const bindings = resources.filter((r) => BINDING_TYPES.includes(r.type) && r.props.role === WI_ROLE);
    const ksas = ofKind(resources, "ServiceAccount").filter((k) => isApplicationNamespace(meta(k).namespace));
    const gsaOfKsa = new Map<string, string>();
    for (const ksa of ksas) {
      const key = namespacedName(ksa);
      const gsa = meta(ksa).annotations?.["iam.gke.io/gcp-service-account"];
      if (!gsa) {
        findings.push({
          urn: ksa.urn,
          problem: `Kubernetes service account ${key} is bound to no Google service account`,
          fix: "annotate it with iam.gke.io/gcp-service-account",
        });
        continue;
      }
      const previous = gsaOfKsa.get(key);
      if (previous && previous !== gsa)
        findings.push({
          urn: ksa.urn,
          problem: `${key} maps to ${gsa} in ${clusterOf(ksa)} but to ${previous} elsewhere`,
          fix: "use one Google service account per workload",
        });
      gsaOfKsa.set(key, gsa);
    }
    const ksasOfGsa = new Map<string, Set<string>>();
    for (const [ksa, gsa] of gsaOfKsa) ksasOfGsa.set(gsa, new Set([...(ksasOfGsa.get(gsa) ?? []), ksa]));
    for (const [gsa, users] of ksasOfGsa) {
      const account = accounts.find((a) => a.props.email === gsa);
      if (users.size > 1)
        findings.push({
          urn: account?.urn ?? ksas[0].urn,
          problem: `${gsa} is shared by ${[...users].sort().join(", ")}`,
          fix: "give each workload its own Google service account",
        });
      const bound = bindings
        .filter((b) => String(b.props.serviceAccountId).endsWith(`/serviceAccounts/${gsa}`))
        .flatMap((b) => (b.props.members as string[] | undefined) ?? [String(b.props.member)]);
      for (const ksa of users) {
        if (!bound.some((m) => ksaOf(m) === ksa))
          findings.push({
            urn: account?.urn ?? ksas[0].urn,
            problem: `no Workload Identity binding lets ${ksa} act as ${gsa}`,
            fix: `bind ${WI_ROLE} for [${ksa}]`,
          });
      }
    }
    for (const binding of bindings) {
      const gsa = String(binding.props.serviceAccountId).split("/serviceAccounts/")[1];
      for (const member of (binding.props.members as string[] | undefined) ?? [
        String(binding.props.member),
      ]) {
        const ksa = ksaOf(member);
        if (!ksa || ksasOfGsa.get(gsa)?.has(ksa) !== true) {
          findings.push({
            urn: binding.urn,
            problem: `${member} may act as ${gsa} but is not that workload's Kubernetes service account`,
            fix: "remove the binding",
          });
        }
      }
    }
    return findings;
  },
);
