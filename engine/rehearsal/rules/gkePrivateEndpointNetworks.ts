import { isRfc1918 } from "../../../components/lib/addressPlan";
import { plain } from "../../deployment";
import { RehearsalRule } from "../model";

const CLUSTER = "gcp:container/cluster:Cluster";

interface ClusterInputs {
  name?: string;
  privateClusterConfig?: { enablePrivateEndpoint?: boolean };
  controlPlaneEndpointsConfig?: { ipEndpointsConfig?: { enabled?: boolean } };
  masterAuthorizedNetworksConfig?: { cidrBlocks?: { cidrBlock?: string; displayName?: string }[] };
}

/**
 * A control plane whose IP endpoint is private takes authorized networks from RFC 1918 only, and
 * must keep them enabled. The provider sends `enablePublicEndpoint: !enable_private_endpoint` with the
 * authorized networks in one DesiredControlPlaneEndpointsConfig (magic-modules
 * resource_container_cluster.go.tmpl, expandControlPlaneEndpointsConfig), and GKE refuses the
 * request as a whole, so an enforced perimeter that makes the endpoints private fails on every
 * cluster that still lists the operators' public addresses.
 */
export const gkePrivateEndpointNetworks: RehearsalRule = {
  id: "gke-private-endpoint-networks",
  severity: "error",
  description:
    "A GKE control plane with a private IP endpoint keeps authorized networks enabled and lists only RFC 1918 ranges in them: GKE refuses any other, so the create or the update that makes the endpoint private fails.",
  sources: [
    "https://github.com/terraform-google-modules/terraform-google-kubernetes-engine/issues/153 (Invalid master authorized networks: network … is not a reserved network, which is required for private endpoints)",
    "https://github.com/GoogleCloudPlatform/magic-modules/pull/8338 (Master authorized networks must be enabled if private endpoint is enabled)",
    "magic-modules mmv1/third_party/terraform/services/container/resource_container_cluster.go.tmpl (expandControlPlaneEndpointsConfig, expandMasterAuthorizedNetworksConfig)",
    "https://datatracker.ietf.org/doc/html/rfc1918",
  ],
  check(ctx, report) {
    for (const cluster of ctx.resources.filter((r) => r.type === CLUSTER)) {
      const c = plain(cluster.inputs) as ClusterInputs;
      // With the IP endpoints off there is no private endpoint to authorise.
      if (c.controlPlaneEndpointsConfig?.ipEndpointsConfig?.enabled === false) continue;
      if (c.privateClusterConfig?.enablePrivateEndpoint !== true) continue;
      if (!c.masterAuthorizedNetworksConfig) {
        report.error(
          this.id,
          cluster,
          `the control plane of ${String(c.name)} has a private endpoint and no authorized networks: GKE refuses it ("Master authorized networks must be enabled if private endpoint is enabled"). Keep masterAuthorizedNetworksConfig with the cluster's own RFC 1918 ranges.`,
        );
        continue;
      }
      const outside = (c.masterAuthorizedNetworksConfig.cidrBlocks ?? []).filter(
        (b) => !isRfc1918(String(b.cidrBlock)),
      );
      if (outside.length)
        report.error(
          this.id,
          cluster,
          `the control plane of ${String(c.name)} has a private endpoint and authorized networks outside RFC 1918 (${outside.map((b) => `${b.displayName ?? "?"}=${b.cidrBlock}`).join(", ")}): GKE refuses it ("network … is not a reserved network, which is required for private endpoints"). Reach a private control plane through its DNS endpoint from the perimeter's access level, and keep only RFC 1918 ranges here (components/gkeCluster.ts controlPlaneNetworks).`,
        );
    }
  },
};
