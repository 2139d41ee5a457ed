import * as gcp from "@pulumi/gcp";
import { Finding, resourcePolicy } from "../lib/define";

type Cluster = gcp.container.ClusterArgs & Record<string, unknown>;

export const gkeInternalEndpointAuthorized = resourcePolicy<Cluster>(
  {
    name: "gke-internal-endpoint-authorized",
    description:
      "A GKE control plane's authorized networks govern its internal endpoint too: any other VM of the VPC is kept from the Kubernetes API, the cluster's own ranges are named.",
    controls: ["IAM-06"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Set masterAuthorizedNetworksConfig.privateEndpointEnforcementEnabled: true and list the cluster's node and Pod ranges (components/gkeCluster.ts controlPlaneNetworks).",
  },
  gcp.container.Cluster,
  (c) => {
    const config = c.masterAuthorizedNetworksConfig as
      { privateEndpointEnforcementEnabled?: boolean; cidrBlocks?: unknown[] } | undefined;
    const findings: Finding[] = [];
    // "Whether authorized networks is enforced on the private endpoint or not. Defaults to false."
    // (magic-modules resource_container_cluster.go.tmpl): unset, every VM of the VPC reaches it.
    if (config?.privateEndpointEnforcementEnabled !== true)
      findings.push({
        problem: `masterAuthorizedNetworksConfig.privateEndpointEnforcementEnabled is ${JSON.stringify(config?.privateEndpointEnforcementEnabled ?? null)}: any VM of the VPC reaches the control plane's internal endpoint`,
        fix: "set it to true, with the cluster's node and Pod ranges among the authorized networks",
      });
    return findings;
  },
);
