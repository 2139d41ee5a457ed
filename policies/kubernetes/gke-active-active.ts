import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";
import { ALLOWED_REGIONS } from "../lib/gcp";
import { GATEWAY_CLASS, ofKind } from "./k8s";

const CLUSTER = "gcp:container/cluster:Cluster";

export function isCardholderCluster(cluster: PolicyResource): boolean {
  return (
    (cluster.props.resourceLabels as Record<string, string> | undefined)?.["data-class"] === "cardholder"
  );
}

export const gkeActiveActive = stackPolicy(
  {
    name: "gke-active-active",
    description:
      "One GKE Autopilot cluster serves in each region, every cluster is in one fleet with multi-cluster Services and Ingress, and one multi-cluster Gateway routes to both regions.",
    controls: ["RES-01"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Keep a GkeCluster per serving region, the FleetFeatures component and the MultiClusterGateway.",
  },
  (resources) => {
    // The serving fleet; the cde's cardholder clusters are checked by k8s-cardholder-segmentation.
    const clusters = resources.filter((r) => r.type === CLUSTER && !isCardholderCluster(r));
    if (clusters.length === 0) return [];
    const findings: Finding[] = [];
    for (const region of ALLOWED_REGIONS) {
      if (!clusters.some((c) => c.props.location === region && c.props.enableAutopilot === true)) {
        findings.push({
          urn: clusters[0].urn,
          problem: `no Autopilot cluster in ${region}`,
          fix: `add a GkeCluster in ${region}`,
        });
      }
    }
    const fleets = new Set(
      clusters.map((c) => String((c.props.fleet as { project?: string } | undefined)?.project ?? "")),
    );
    if (fleets.has("") || fleets.size !== 1) {
      findings.push({
        urn: clusters[0].urn,
        problem: `clusters are not registered in one fleet (fleet projects: ${JSON.stringify([...fleets])})`,
        fix: "register every cluster in the platform project's fleet",
      });
    }
    const features = resources
      .filter((r) => r.type === "gcp:gkehub/feature:Feature")
      .map((f) => f.props.name);
    for (const feature of ["multiclusterservicediscovery", "multiclusteringress"].filter(
      (f) => !features.includes(f),
    )) {
      findings.push({
        urn: clusters[0].urn,
        problem: `fleet feature ${feature} is not enabled`,
        fix: "enable it (components/fleetFeatures.ts)",
      });
    }
    const gateways = ofKind(resources, "Gateway").filter(
      (g) => (g.props.spec as { gatewayClassName?: string } | undefined)?.gatewayClassName === GATEWAY_CLASS,
    );
    if (gateways.length !== 1) {
      findings.push({
        urn: clusters[0].urn,
        problem: `${gateways.length} multi-cluster Gateways of class ${GATEWAY_CLASS}`,
        fix: "keep exactly one",
      });
    }
    const backends = ofKind(resources, "HTTPRoute").flatMap((route) =>
      (
        (route.props.spec as { rules?: { backendRefs?: { kind?: string; name?: string }[] }[] } | undefined)
          ?.rules ?? []
      ).flatMap((rule) => rule.backendRefs ?? []),
    );
    for (const region of ALLOWED_REGIONS) {
      if (!backends.some((b) => b.kind === "ServiceImport" && String(b.name).endsWith(`-${region}`))) {
        findings.push({
          urn: gateways[0]?.urn ?? clusters[0].urn,
          problem: `no route sends traffic to a ServiceImport of ${region}`,
          fix: `route each workload to its ${region} ServiceImport`,
        });
      }
    }
    return findings;
  },
);
