import * as pulumi from "@pulumi/pulumi";
import { ImageAdmission } from "../../components/binaryAuthorization";
import { FleetFeatures } from "../../components/fleetFeatures";
import { GatewayEdge } from "../../components/gatewayEdge";
import { GkeCluster } from "../../components/gkeCluster";
import { NodeServiceAccount } from "../../components/nodeServiceAccount";
import { KubernetesBaseline } from "../../components/kubernetesBaseline";
import { MultiClusterGateway } from "../../components/multiClusterGateway";
import { gatewayWorkloads, workloadsIn } from "../../catalogue/workloads";
import { PrivateServicePath } from "../../components/privateServicePath";
import { Region } from "../../vocabulary/regions";
import { PlatformConfig } from "../config/types";
import { Foundation } from "./foundation";
import { Keys } from "./keys";
import { Networks } from "./network";

export interface Compute {
  /** The platform's clusters: tenant-class workloads and the Gateway. */
  clusters: Record<Region, GkeCluster>;
  /** The cde's clusters: cardholder-class workloads only (NET-09). */
  cdeClusters: Record<Region, GkeCluster>;
  fleet: FleetFeatures;
}

type ClusterProject = "platform" | "cde";

/** Each project's cluster keys: the platform's in the platform ring, the cde's with the cardholder keys. */
const CLUSTER_KEYS = {
  platform: {
    secrets: "gke-secrets",
    bootDisk: "gke-boot-disk",
    images: "images",
    signing: "image-attestor",
  },
  cde: {
    secrets: "cde-gke-secrets",
    bootDisk: "cde-gke-boot-disk",
    images: "cde-images",
    signing: "cde-image-attestor",
  },
} as const;

/**
 * Active-active compute (RES-01): a GKE Autopilot cluster per region in the platform project and,
 * for cardholder data, another per region in the cde project on the cde VPC (NET-09), hardened
 * alike; each project admits only its own images. The platform's clusters form the fleet the
 * Gateway spans; the cde's are registered to a fleet of the cde project's own, since a fleet shares
 * one Workload Identity pool and namespace sameness (docs/segmentation.md).
 */
export function buildClusters(
  config: PlatformConfig,
  f: Foundation,
  keys: Keys,
  networks: Networks,
): Compute {
  const build = (project: ClusterProject) => clustersIn(project, config, f, keys, networks);
  const clusters = build("platform");
  const cdeClusters = build("cde");
  const mciAgent = f.agents.platform.members["multicluster-ingress"];
  if (!mciAgent) throw new Error("the platform project's multi-cluster Ingress agent is missing");
  const fleet = new FleetFeatures(`${f.env}-fleet`, {
    project: f.projects.ids.platform,
    multiClusterIngressAgent: mciAgent,
    configMembership: clusters[config.gateway.configRegion].membership,
    memberships: Object.values(clusters).map((c) => c.membership),
    labels: f.labels("none"),
    dependsOn: Object.values(clusters).map((c) => c.cluster),
  });
  return { clusters, cdeClusters, fleet };
}

/** A cluster's own node and Pod ranges, from the address plan (authorised on its internal endpoint). */
function clusterRangesOf(
  networks: Networks,
  project: ClusterProject,
  region: Region,
): { name: string; cidr: string }[] {
  const ranges = networks.plan[project].regions[region];
  if (!ranges) throw new Error(`no ${project} address ranges in ${region}`);
  return [
    { name: "nodes", cidr: ranges.nodes },
    { name: "pods", cidr: ranges.pods },
  ];
}

function clustersIn(
  project: ClusterProject,
  config: PlatformConfig,
  f: Foundation,
  keys: Keys,
  networks: Networks,
): Record<Region, GkeCluster> {
  const { env, regions, projects } = f;
  const labels = f.labels(project === "cde" ? "cardholder" : "none");
  const prefix = project === "cde" ? `${env}-cde` : env;
  const { secrets, bootDisk, images: imageKey, signing } = CLUSTER_KEYS[project];
  const nodes = new NodeServiceAccount(
    `${prefix}-gke-nodes`,
    { project: projects.ids[project], deployer: config.deployer.principal },
    { dependsOn: f.ready[project] },
  );
  const images = new ImageAdmission(
    `${prefix}-images`,
    {
      project: projects.ids[project],
      projectId: projects.ids[project],
      regions,
      encryptionKeys: Object.fromEntries(
        regions.map((r) => [r, keys.hierarchy.keyId(imageKey, r)]),
      ) as Record<Region, pulumi.Output<string>>,
      // Only the platform's repositories predate CMEK; the cde's are new.
      legacyRepositories: project === "platform" && config.images.legacyRepositories,
      readers: { nodes: nodes.member },
      publisher: config.images.pipeline,
      signingKeys: Object.fromEntries(
        regions.map((r) => [r, keys.hierarchy.signingKeyId(signing, r)]),
      ) as Record<Region, pulumi.Output<string>>,
      deployer: config.deployer.principal,
      attestationEnforced: config.images.attestationEnforced,
      labels,
      protect: f.protect,
    },
    { dependsOn: [...f.ready[project], ...regions.flatMap((r) => keys.hierarchy.grantsOf(imageKey, r))] },
  );
  return Object.fromEntries(
    regions.map((region) => {
      const subnet = networks[project].subnets[region];
      if (!subnet) throw new Error(`no ${project} subnet in ${region}`);
      const cluster = new GkeCluster(`${prefix}-gke-${region}`, {
        project: projects.ids[project],
        clusterName: `${prefix}-${region}`,
        region,
        network: networks[project].network.id,
        subnetwork: subnet.id,
        nodeServiceAccount: nodes.email,
        secretsKey: keys.hierarchy.keyId(secrets, region),
        bootDiskKey: keys.hierarchy.keyId(bootDisk, region),
        authorizedNetworks: config.gke.authorizedNetworks,
        clusterRanges: clusterRangesOf(networks, project, region),
        // kubernetesProviderTransition keeps the control plane as stacks deployed before
        // clusterIdentifier had it (the DNS endpoint), so that its providers only gain the identifier.
        dnsEndpointExternalTraffic: config.perimeter.enforced || config.kubernetesProviderTransition,
        releaseChannel: config.gke.releaseChannel,
        maintenance: config.maintenance,
        labels,
        protect: f.protect,
        dependsOn: [
          ...keys.hierarchy.grantsOf(secrets, region),
          ...keys.hierarchy.grantsOf(bootDisk, region),
          images.policy,
          ...nodes.ready,
          ...f.ready[project],
        ],
      });
      return [region, cluster];
    }),
  ) as Record<Region, GkeCluster>;
}

/**
 * The Kubernetes side: the baseline in every cluster (K8S-01..03), each workload only on its
 * project's clusters (NET-09), the one Private Service Connect path per region from the platform
 * to the cde's published workloads, the edge and the multi-cluster Gateway (NET-05, ENC-07).
 */
export function buildKubernetes(
  config: PlatformConfig,
  f: Foundation,
  compute: Compute,
  networks: Networks,
  googleServiceAccounts: Record<string, pulumi.Output<string>>,
): pulumi.Resource[] {
  const { env, regions, projects } = f;
  const withAccounts = (project: ClusterProject) =>
    workloadsIn(project).map((w) => ({ ...w, googleServiceAccount: googleServiceAccounts[w.name] }));
  const privateServiceAccess = {
    platform: networks.plan.platform.privateServiceAccess,
    cde: networks.plan.cde.privateServiceAccess,
  };
  const published = workloadsIn("cde").filter((w) => w.exposure.kind === "private-service-connect");
  const built: pulumi.Resource[] = [];
  for (const region of regions) {
    const natRange = networks.plan.cde.privateServiceConnectNat[region];
    const platformSubnet = networks.platform.subnets[region];
    if (!natRange || !platformSubnet) throw new Error(`no Private Service Connect ranges in ${region}`);
    const cdeBaseline = new KubernetesBaseline(`${env}-cde-baseline-${region}`, {
      provider: compute.cdeClusters[region].provider,
      region,
      workloads: withAccounts("cde"),
      privateServiceAccess,
      privateServiceConnect: { natRange },
      hostsGateway: false,
    });
    const paths = published.map(
      (w) =>
        new PrivateServicePath(`${env}-${w.name}-path-${region}`, {
          workload: w,
          region,
          producer: {
            project: projects.ids.cde,
            network: networks.cde.network.id,
            networkName: `${env}-cde`,
            natRange,
            provider: compute.cdeClusters[region].provider,
          },
          consumer: {
            project: projects.ids.platform,
            network: networks.platform.network.id,
            subnetwork: platformSubnet.id,
          },
          dependsOn: [cdeBaseline],
        }),
    );
    const baseline = new KubernetesBaseline(`${env}-baseline-${region}`, {
      provider: compute.clusters[region].provider,
      region,
      workloads: withAccounts("platform"),
      privateServiceAccess,
      privateServiceConnect: {
        endpoints: Object.fromEntries(published.map((w, i) => [w.name, paths[i].endpointAddress])),
      },
      multiClusterServicesReady: compute.fleet.multiClusterServicesReady,
    });
    built.push(cdeBaseline, ...paths, baseline);
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
    workloads: gatewayWorkloads(),
    domain: config.gateway.domain,
    addressName: edge.addressName,
    certificateMapName: edge.certificateMapName,
    sslPolicyName: edge.sslPolicyName,
    securityPolicyName: edge.securityPolicyName,
  });
  return [...built, edge, gateway];
}
