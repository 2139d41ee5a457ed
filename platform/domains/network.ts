import { AddressPlan, planAddresses } from "../../components/lib/addressPlan";
import { DnsEgressAllowlist } from "../../components/dnsEgressAllowlist";
import { EgressFirewall } from "../../components/egressFirewall";
import { IntrusionDetection } from "../../components/intrusionDetection";
import { PrivateNetwork } from "../../components/network";
import { PlatformConfig } from "../config/types";
import { Foundation } from "./foundation";

export interface Networks {
  plan: AddressPlan;
  platform: PrivateNetwork;
  cde: PrivateNetwork;
}

/** The platform and cde VPCs from one address plan (NET-01..04), and Cloud IDS where configured (NET-06). */
export function buildNetworks(config: PlatformConfig, f: Foundation): Networks {
  const { env, regions, projects } = f;
  const plan = planAddresses(config.addressSpace, regions);
  const platform = new PrivateNetwork(
    `${env}-platform-net`,
    {
      project: projects.ids.platform,
      networkName: `${env}-platform`,
      plan: plan.platform,
      regions,
      labels: f.labels("tenant"),
      protect: f.protect,
    },
    { dependsOn: f.ready.platform },
  );
  const cde = new PrivateNetwork(
    `${env}-cde-net`,
    {
      project: projects.ids.cde,
      networkName: `${env}-cde`,
      plan: plan.cde,
      regions,
      labels: f.labels("cardholder"),
      protect: f.protect,
    },
    { dependsOn: f.ready.cde },
  );
  // Default-deny egress (NET-08): the data ports each network's workloads use over private services
  // access (Cloud SQL 5432 and its connectors' 3307; Memorystore TLS 6378 on the platform only).
  for (const [key, net, ports, fqdns] of [
    ["platform", platform, ["5432", "3307", "6378"], config.egressFqdnAllowlist],
    ["cde", cde, ["5432", "3307"], []],
  ] as const) {
    const ranges = plan[key];
    new EgressFirewall(
      `${env}-${key}-egress`,
      {
        project: projects.ids[key],
        networkName: `${env}-${key}`,
        network: net.network.id,
        internalRanges: regions.flatMap((r) => {
          const rr = ranges.regions[r];
          return rr ? [rr.nodes, rr.pods, rr.services] : [];
        }),
        privateServiceAccess: { range: ranges.privateServiceAccess, ports: [...ports] },
        fqdnAllowlist: [...fqdns],
      },
      { dependsOn: f.ready[key] },
    );
    // The same allowlist for names: what the firewall does not govern, the resolver (NET-08).
    new DnsEgressAllowlist(
      `${env}-${key}-dns-egress`,
      {
        project: projects.ids[key],
        networkName: `${env}-${key}`,
        network: net.network.id,
        hosts: [...fqdns],
      },
      { dependsOn: f.ready[key] },
    );
  }
  for (const region of config.intrusionDetectionRegions) {
    const subnet = platform.subnets[region];
    new IntrusionDetection(`${env}-ids-${region}`, {
      project: projects.ids.platform,
      resourcePrefix: `${env}-platform`,
      region,
      network: platform.network.id,
      subnetworks: subnet ? [subnet.id] : [],
      dependsOn: [platform.privateServiceAccess, ...f.ready.platform],
    });
  }
  return { plan, platform, cde };
}
