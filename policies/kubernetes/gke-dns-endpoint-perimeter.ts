import { Finding, stackPolicy } from "../lib/define";

const PERIMETER = "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter";
/**
 * What an enforced perimeter must restrict to cover a cluster's DNS endpoint
 * (https://cloud.google.com/kubernetes-engine/docs/concepts/network-isolation: "add
 * container.googleapis.com and kubernetesmetadata.googleapis.com to the restricted services").
 */
export const DNS_ENDPOINT_SERVICES = ["container.googleapis.com", "kubernetesmetadata.googleapis.com"];

export const gkeDnsEndpointPerimeter = stackPolicy(
  {
    name: "gke-dns-endpoint-perimeter",
    description:
      "A GKE control plane's DNS endpoint is open to traffic from outside Google Cloud only behind an enforced VPC Service Controls perimeter that restricts the Kubernetes APIs; authorized networks do not apply to it.",
    controls: ["IAM-06", "NET-07"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Set dnsEndpointConfig.allowExternalTraffic: false, or enforce the perimeter (perimeterEnforced: true) with container.googleapis.com and kubernetesmetadata.googleapis.com restricted.",
  },
  (resources) => {
    const enforced = resources
      .filter((r) => r.type === PERIMETER && r.props.status !== undefined)
      .map((r) => (r.props.status as { restrictedServices?: string[] }).restrictedServices ?? []);
    const covered = enforced.some((services) => DNS_ENDPOINT_SERVICES.every((s) => services.includes(s)));
    const findings: Finding[] = [];
    for (const c of resources.filter((r) => r.type === "gcp:container/cluster:Cluster")) {
      const dns = (
        c.props.controlPlaneEndpointsConfig as
          { dnsEndpointConfig?: { allowExternalTraffic?: boolean } } | undefined
      )?.dnsEndpointConfig;
      if (dns?.allowExternalTraffic === true && !covered)
        findings.push({
          urn: c.urn,
          problem: `the DNS endpoint of ${String(c.props.name)} accepts traffic from any network and no enforced perimeter restricts ${DNS_ENDPOINT_SERVICES.join(" and ")}`,
          fix: "set allowExternalTraffic: false, or enforce the perimeter",
        });
    }
    return findings;
  },
);
