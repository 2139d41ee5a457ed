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
      "Every application namespace, in every cluster, has a NetworkPolicy denying all ingress and egress by default.",
    controls: ["K8S-02"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Add a NetworkPolicy with podSelector {} and policyTypes [Ingress, Egress] and no rules (KubernetesBaseline).",
  },
  (resources) => {
    const policies = ofKind(resources, "NetworkPolicy");
    const findings: Finding[] = [];
    for (const ns of ofKind(resources, "Namespace").filter((n) => isApplicationNamespace(meta(n).name))) {
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
