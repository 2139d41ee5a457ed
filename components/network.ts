import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../vocabulary/regions";
import { StandardLabels } from "../vocabulary/labels";
import { NetworkPlan, parseNetwork } from "./lib/addressPlan";

/**
 * Google's load-balancer and health-check source ranges; with container-native load balancing
 * the Gateway's front ends reach pods directly from them
 * (https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges): the only
 * sources admitted from outside the VPC (NET-03).
 */
export const GOOGLE_LB_RANGES = ["35.191.0.0/16", "130.211.0.0/22"];
/**
 * restricted.googleapis.com: the only way out to Google APIs (NET-07). It serves only the APIs
 * VPC Service Controls supports, so a stolen token cannot reach a service outside the perimeter's
 * reach from these networks (https://cloud.google.com/vpc-service-controls/docs/set-up-private-connectivity).
 */
export const RESTRICTED_GOOGLE_APIS_RANGE = "199.36.153.4/30";
export const RESTRICTED_GOOGLE_APIS_IPS = ["199.36.153.4", "199.36.153.5", "199.36.153.6", "199.36.153.7"];
/**
 * The domains whose names must resolve to the restricted VIP: Google APIs, and Artifact Registry
 * and Container Registry, where GKE nodes pull images from
 * (https://cloud.google.com/vpc/docs/configure-private-google-access#config-domain).
 */
export const RESTRICTED_DOMAINS = ["googleapis.com", "pkg.dev", "gcr.io"];
/** Serving ports of the workloads behind the gateway. */
export const SERVING_PORTS = ["443", "8443", "8080"];

export interface PrivateNetworkArgs {
  /**
   * Protect the stateful resources (`protect`, and the provider's and API's deletion guards).
   * Only an ephemeral environment (staging, `ephemeral: true`) turns it off, to be destroyed.
   * @default true
   */
  protect?: boolean;
  /** Project owning the VPC. */
  project: pulumi.Input<string>;
  /** VPC name, e.g. `prod-platform`. */
  networkName: string;
  /** This network's part of the address plan. */
  plan: NetworkPlan;
  /** Regions that get a subnet, router and NAT. */
  regions: readonly Region[];
  labels: StandardLabels;
}

/**
 * A custom-mode VPC with one subnet per region (GKE secondary ranges, Private Google Access and
 * flow logs), Cloud Router and Cloud NAT per region for private nodes' egress, a private service
 * access range with its service-networking connection for Cloud SQL and Memorystore, and
 * firewall rules that admit only Google's load-balancer ranges to serving ports, all logged.
 */
export class PrivateNetwork extends pulumi.ComponentResource {
  public readonly network: gcp.compute.Network;
  public readonly subnets: Partial<Record<Region, gcp.compute.Subnetwork>>;
  public readonly privateServiceAccess: gcp.servicenetworking.Connection;
  /** Name of the private-service-access range, for Cloud SQL `allocatedIpRange`. */
  public readonly privateServiceAccessRangeName: pulumi.Output<string>;

  constructor(name: string, args: PrivateNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:network:PrivateNetwork", name, {}, opts);
    const child = { parent: this };
    const network = new gcp.compute.Network(`${name}-vpc`, networkArgs(args), {
      ...child,
      protect: args.protect ?? true,
    });
    const subnets: Partial<Record<Region, gcp.compute.Subnetwork>> = {};
    for (const region of args.regions) {
      subnets[region] = new gcp.compute.Subnetwork(
        `${name}-${region}`,
        subnetArgs(args, region, network.id),
        child,
      );
      regionalEgress(name, args, region, network, child);
    }
    const { range: psaRange, connection: psa } = privateServiceAccess(name, args, network, child);
    restrictedGoogleApis(name, args, network, child);
    ingressFirewalls(name, args, network, child);

    this.network = network;
    this.subnets = subnets;
    this.privateServiceAccess = psa;
    this.privateServiceAccessRangeName = psaRange.name;
    this.registerOutputs({ network, subnets, privateServiceAccess: psa });
  }
}

/** The VPC: custom-mode, global routing, the egress firewall policy deciding first. */
export function networkArgs(
  args: Pick<PrivateNetworkArgs, "project" | "networkName">,
): gcp.compute.NetworkArgs {
  return {
    project: args.project,
    name: args.networkName,
    autoCreateSubnetworks: false,
    routingMode: "GLOBAL",
    // The egress firewall policy (EgressFirewall) decides before any VPC firewall rule, so no
    // classic rule can allow what its default-deny refuses.
    networkFirewallPolicyEnforcementOrder: "BEFORE_CLASSIC_FIREWALL",
    description: `QairoPay ${args.networkName} VPC`,
  };
}

/** One region's subnet: its nodes' range, the GKE pods and services ranges, Private Google Access, flow logs. */
export function subnetArgs(
  args: Pick<PrivateNetworkArgs, "project" | "networkName" | "plan">,
  region: Region,
  network: pulumi.Input<string>,
): gcp.compute.SubnetworkArgs {
  const ranges = args.plan.regions[region];
  if (!ranges) throw new Error(`address plan of ${args.networkName} has no ranges for ${region}`);
  return {
    project: args.project,
    name: `${args.networkName}-${region}`,
    region,
    network,
    ipCidrRange: ranges.nodes,
    secondaryIpRanges: [
      { rangeName: "pods", ipCidrRange: ranges.pods },
      { rangeName: "services", ipCidrRange: ranges.services },
    ],
    privateIpGoogleAccess: true,
    stackType: "IPV4_ONLY",
    logConfig: {
      aggregationInterval: "INTERVAL_5_SEC",
      flowSampling: 0.5,
      metadata: "INCLUDE_ALL_METADATA",
    },
  };
}

type Child = { parent: pulumi.Resource };

/** Cloud Router and Cloud NAT of one region, for private nodes' egress (errors logged). */
function regionalEgress(
  name: string,
  args: PrivateNetworkArgs,
  region: Region,
  network: gcp.compute.Network,
  child: Child,
): void {
  const router = new gcp.compute.Router(
    `${name}-${region}-router`,
    { project: args.project, name: `${args.networkName}-${region}`, region, network: network.id },
    child,
  );
  new gcp.compute.RouterNat(
    `${name}-${region}-nat`,
    {
      project: args.project,
      name: `${args.networkName}-${region}`,
      region,
      router: router.name,
      natIpAllocateOption: "AUTO_ONLY",
      sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
      logConfig: { enable: true, filter: "ERRORS_ONLY" },
    },
    child,
  );
}

/** The private services access range and its service-networking connection (Cloud SQL, Memorystore). */
function privateServiceAccess(
  name: string,
  args: PrivateNetworkArgs,
  network: gcp.compute.Network,
  child: Child,
): { range: gcp.compute.GlobalAddress; connection: gcp.servicenetworking.Connection } {
  const [, psaPrefix] = parseNetwork(args.plan.privateServiceAccess);
  const range = new gcp.compute.GlobalAddress(
    `${name}-psa-range`,
    {
      project: args.project,
      name: `${args.networkName}-psa`,
      purpose: "VPC_PEERING",
      addressType: "INTERNAL",
      address: args.plan.privateServiceAccess.split("/")[0],
      prefixLength: psaPrefix,
      network: network.id,
      labels: args.labels,
    },
    child,
  );
  const connection = new gcp.servicenetworking.Connection(
    `${name}-psa`,
    {
      network: network.id,
      service: "servicenetworking.googleapis.com",
      reservedPeeringRanges: [range.name],
      // Deleting the peering fails while Cloud SQL still uses it; abandon instead of blocking destroy.
      deletionPolicy: "ABANDON",
    },
    child,
  );
  return { range, connection };
}

/**
 * Google's domains resolve to restricted.googleapis.com inside the VPC; the route keeps its range
 * reachable whatever other routes say, and the egress policy allows nothing else.
 */
function restrictedGoogleApis(
  name: string,
  args: PrivateNetworkArgs,
  network: gcp.compute.Network,
  child: Child,
): void {
  for (const domain of RESTRICTED_DOMAINS) {
    const key = domain.split(".")[0];
    const zone = new gcp.dns.ManagedZone(
      `${name}-${key}`,
      {
        project: args.project,
        name: `${args.networkName}-${key}`,
        dnsName: `${domain}.`,
        visibility: "private",
        description: `${domain} through restricted.googleapis.com (VPC Service Controls)`,
        labels: args.labels,
        privateVisibilityConfig: { networks: [{ networkUrl: network.id }] },
      },
      child,
    );
    new gcp.dns.RecordSet(
      `${name}-${key}-a`,
      {
        project: args.project,
        managedZone: zone.name,
        name: domain === "googleapis.com" ? "restricted.googleapis.com." : `${domain}.`,
        type: "A",
        ttl: 300,
        rrdatas: RESTRICTED_GOOGLE_APIS_IPS,
      },
      child,
    );
    new gcp.dns.RecordSet(
      `${name}-${key}-cname`,
      {
        project: args.project,
        managedZone: zone.name,
        name: `*.${domain}.`,
        type: "CNAME",
        ttl: 300,
        rrdatas: [domain === "googleapis.com" ? "restricted.googleapis.com." : `${domain}.`],
      },
      child,
    );
  }
  new gcp.compute.Route(
    `${name}-restricted-apis`,
    {
      project: args.project,
      name: `${args.networkName}-restricted-apis`,
      network: network.id,
      destRange: RESTRICTED_GOOGLE_APIS_RANGE,
      nextHopGateway: "default-internet-gateway",
      priority: 100,
      description: "Google APIs through restricted.googleapis.com only (NET-07).",
    },
    child,
  );
}

/** Ingress: Google's load balancers to the serving ports, an explicit logged deny for the rest. */
function ingressFirewalls(
  name: string,
  args: PrivateNetworkArgs,
  network: gcp.compute.Network,
  child: Child,
): void {
  const logged = { logConfig: { metadata: "INCLUDE_ALL_METADATA" } };
  new gcp.compute.Firewall(
    `${name}-allow-google-lb`,
    {
      project: args.project,
      name: `${args.networkName}-allow-google-lb`,
      network: network.id,
      direction: "INGRESS",
      priority: 1000,
      sourceRanges: GOOGLE_LB_RANGES,
      allows: [{ protocol: "tcp", ports: SERVING_PORTS }],
      description: "Google load balancers and health checks to serving ports only (NET-03).",
      ...logged,
    },
    child,
  );
  new gcp.compute.Firewall(
    `${name}-deny-all-ingress`,
    {
      project: args.project,
      name: `${args.networkName}-deny-all-ingress`,
      network: network.id,
      direction: "INGRESS",
      priority: 65534,
      sourceRanges: ["0.0.0.0/0"],
      denies: [{ protocol: "all" }],
      description: "Explicit, logged default deny: every other ingress attempt is recorded.",
      ...logged,
    },
    child,
  );
}
