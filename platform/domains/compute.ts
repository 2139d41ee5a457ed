import * as pulumi from "@pulumi/pulumi";
import { ImageAdmission } from "../../components/binaryAuthorization";
import { FleetFeatures } from "../../components/fleetFeatures";
import { GatewayEdge } from "../../components/gatewayEdge";
import { GkeCluster } from "../../components/gkeCluster";
import { KubernetesBaseline } from "../../components/kubernetesBaseline";
import { MultiClusterGateway } from "../../components/multiClusterGateway";
import { WORKLOADS } from "../../components/workloads";
import { Region } from "../config/regions";
import { PlatformConfig } from "../config/types";
import { Foundation } from "./foundation";
import { Keys } from "./keys";
import { Networks } from "./network";

export interface Compute {
  clusters: Record<Region, GkeCluster>;
  fleet: FleetFeatures;
}

/** Active-active compute (RES-01): a GKE Autopilot cluster per region, admitted images, and the fleet. */
export function buildClusters(
  config: PlatformConfig,
  f: Foundation,
  keys: Keys,
  networks: Networks,
): Compute {
  const { env, regions, projects } = f;
  const labels = f.labels("none");
  const images = new ImageAdmission(
    `${env}-images`,
    { project: projects.ids.platform, projectId: projects.ids.platform, regions, labels, protect: f.protect },
    { dependsOn: f.ready.platform },
  );
  const clusters = Object.fromEntries(
    regions.map((region) => {
      const subnet = networks.platform.subnets[region];
      if (!subnet) throw new Error(`no platform subnet in ${region}`);
      const cluster = new GkeCluster(`${env}-gke-${region}`, {
        project: projects.ids.platform,
        clusterName: `${env}-${region}`,
        region,
        network: networks.platform.network.id,
        subnetwork: subnet.id,
        secretsKey: keys.hierarchy.keyId("gke-secrets", region),
        bootDiskKey: keys.hierarchy.keyId("gke-boot-disk", region),
        authorizedNetworks: config.gke.authorizedNetworks,
        releaseChannel: config.gke.releaseChannel,
        maintenance: config.maintenance,
        labels,
        protect: f.protect,
        dependsOn: [
          ...keys.hierarchy.grantsOf("gke-secrets", region),
          ...keys.hierarchy.grantsOf("gke-boot-disk", region),
          images.policy,
          ...f.ready.platform,
        ],
      });
      return [region, cluster];
    }),
  ) as Record<Region, GkeCluster>;
  const mciAgent = f.agents.platform.members["multicluster-ingress"];
  if (!mciAgent) throw new Error("the platform project's multi-cluster Ingress agent is missing");
  const fleet = new FleetFeatures(`${env}-fleet`, {
    project: projects.ids.platform,
    multiClusterIngressAgent: mciAgent,
    configMembership: clusters[config.gateway.configRegion].membership,
    memberships: Object.values(clusters).map((c) => c.membership),
    labels,
    dependsOn: Object.values(clusters).map((c) => c.cluster),
  });
  return { clusters, fleet };
}

/** The Kubernetes side: the baseline in every cluster (K8S-01..03), the edge and the multi-cluster Gateway (NET-05, ENC-07). */
export function buildKubernetes(
  config: PlatformConfig,
  f: Foundation,
  compute: Compute,
  networks: Networks,
  googleServiceAccounts: Record<string, pulumi.Output<string>>,
): pulumi.Resource[] {
  const { env, regions, projects } = f;
  const workloads = WORKLOADS.map((w) => ({ ...w, googleServiceAccount: googleServiceAccounts[w.name] }));
  const built: pulumi.Resource[] = [];
  for (const region of regions) {
    const baseline = new KubernetesBaseline(`${env}-baseline-${region}`, {
      provider: compute.clusters[region].provider,
      region,
      workloads,
      privateServiceAccess: {
        platform: networks.plan.platform.privateServiceAccess,
        cde: networks.plan.cde.privateServiceAccess,
      },
      multiClusterServicesReady: compute.fleet.multiClusterServicesReady,
    });
    built.push(baseline);
  }
  const edge = new GatewayEdge(
    `${env}-edge`,
    {
      project: projects.ids.platform,
      resourcePrefix: `${env}-edge`,
      domain: config.gateway.domain,
      labels: f.labels("none"),
    },
    { dependsOn: f.ready.platform },
  );
  const gateway = new MultiClusterGateway(`${env}-gateway`, {
    provider: compute.clusters[config.gateway.configRegion].provider,
    regions,
    drainedRegion: config.gateway.drainedRegion,
    workloads: WORKLOADS,
    domain: config.gateway.domain,
    addressName: edge.addressName,
    certificateMapName: edge.certificateMapName,
    sslPolicyName: edge.sslPolicyName,
    securityPolicyName: edge.securityPolicyName,
  });
  return [...built, edge, gateway];
}
