import { Finding, stackPolicy } from "../lib/define";
import { ALLOWED_REGIONS } from "../lib/gcp";
import { isCardholderCluster } from "./gke-active-active";

export const idsPerRegion = stackPolicy(
  {
    name: "ids-endpoint-per-region",
    description:
      "Cloud IDS inspects the traffic of every serving region (switched on per region with intrusionDetectionRegions).",
    controls: ["NET-06"],
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps: "Add the region to intrusionDetectionRegions in the stack file.",
  },
  (resources) => {
    const clusters = resources.filter((r) => r.type === "gcp:container/cluster:Cluster");
    if (clusters.length === 0) return [];
    const endpoints = resources
      .filter((r) => r.type === "gcp:cloudids/endpoint:Endpoint")
      .map((e) => String(e.props.location).replace(/-[a-z]$/, ""));
    const mirrored = resources
      .filter((r) => r.type === "gcp:compute/packetMirroring:PacketMirroring")
      .map((m) => String(m.props.region));
    const findings: Finding[] = [];
    for (const region of ALLOWED_REGIONS.filter((r) => clusters.some((c) => c.props.location === r))) {
      if (!endpoints.includes(region) || !mirrored.includes(region)) {
        findings.push({
          // On the platform's cluster of the region (IDS inspects the platform VPC), whatever the order.
          urn: (
            clusters.find((c) => c.props.location === region && !isCardholderCluster(c)) ??
            clusters.find((c) => c.props.location === region)
          )?.urn,
          problem: `no Cloud IDS endpoint and packet mirroring in ${region}`,
          fix: `add ${region} to intrusionDetectionRegions`,
        });
      }
    }
    return findings;
  },
);
