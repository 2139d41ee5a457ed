import { Finding, stackPolicy } from "../lib/define";
import { clusterOf, isApplicationNamespace, meta, ofKind } from "./k8s";

type Spec = {
  podSelector?: { matchLabels?: object; matchExpressions?: unknown[] };
  policyTypes?: string[];
  ingress?: unknown[];
  egress?: unknown[];
};

function isDefaultDeny(spec: Spec | undefined): boolean {
  const selectsAll = !spec?.podSelector?.matchLabels && !spec?.podSelector?.matchExpressions;
  return (
    !!spec &&
    selectsAll &&
    ["Ingress", "Egress"].every((t) => spec.policyTypes?.includes(t)) &&
    !(spec.ingress ?? []).length &&
    !(spec.egress ?? []).length
  );
}

export const k8sDefaultDeny = stackPolicy(
  {
    name: "k8s-namespace-default-deny",
    description:
      "Every application namespace, and the default namespace, in every cluster, has a NetworkPolicy denying all ingress and egress by default.",
    controls: ["K8S-02"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Add a NetworkPolicy with podSelector {} and policyTypes [Ingress, Egress] and no rules (KubernetesBaseline).",
  },
  (resources) => {
    const policies = ofKind(resources, "NetworkPolicy");
    const findings: Finding[] = [];
    // `default` exists in every cluster without a Namespace object: it takes any workload deployed
    // without a namespace, so every cluster the stack manages denies there too.
    const namespaces = ofKind(resources, "Namespace").filter((n) => isApplicationNamespace(meta(n).name));
    for (const cluster of [...new Set(namespaces.map(clusterOf))]) {
      const denies = policies.some(
        (p) =>
          clusterOf(p) === cluster && meta(p).namespace === "default" && isDefaultDeny(p.props.spec as Spec),
      );
      if (!denies)
        findings.push({
          urn: namespaces.find((n) => clusterOf(n) === cluster)?.urn,
          problem: `the default namespace of its cluster has no default-deny NetworkPolicy: a pod deployed there reaches anything the VPC does`,
          fix: "add default-deny-all in the default namespace (KubernetesBaseline)",
        });
    }
    for (const ns of namespaces) {
      const denies = policies.some(
        (p) =>
          clusterOf(p) === clusterOf(ns) &&
          meta(p).namespace === meta(ns).name &&
          isDefaultDeny(p.props.spec as Spec),
      );
      if (!denies)
        findings.push({
          urn: ns.urn,
          problem: `namespace ${String(meta(ns).name)} has no default-deny NetworkPolicy`,
          fix: "add default-deny-all",
        });
    }
    return findings;
  },
);
