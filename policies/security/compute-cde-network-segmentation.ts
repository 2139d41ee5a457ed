import { PolicyResource } from "@pulumi/policy";
import * as ipaddr from "ipaddr.js";
import { Finding, stackPolicy } from "../lib/define";
import { cardholderProjects, projectInPath } from "../lib/gcp";

/** Ways to join two VPCs besides Private Service Connect: none may touch the cde's network. */
const JOINING_TYPES = [
  "gcp:compute/networkPeering:NetworkPeering",
  "gcp:compute/vPNTunnel:VPNTunnel",
  "gcp:compute/haVpnGateway:HaVpnGateway",
  "gcp:compute/vPNGateway:VPNGateway",
  "gcp:compute/interconnectAttachment:InterconnectAttachment",
  "gcp:networkconnectivity/spoke:Spoke",
];
const RESTRICTED_GOOGLE_APIS = "199.36.153.4/30";

function overlaps(a: string, b: string): boolean {
  try {
    const [aa, ap] = ipaddr.IPv4.parseCIDR(a);
    const [ba, bp] = ipaddr.IPv4.parseCIDR(b);
    return aa.match(ba, Math.min(ap, bp));
  } catch {
    return false;
  }
}

interface Side {
  ranges: string[];
}

/** Every range of the subnets of the cde projects and of the other projects. */
function rangesBySide(resources: PolicyResource[], cde: Set<string>): { cde: Side; other: Side } {
  const sides = { cde: { ranges: [] as string[] }, other: { ranges: [] as string[] } };
  for (const s of resources.filter((r) => r.type === "gcp:compute/subnetwork:Subnetwork")) {
    const side = cde.has(String(s.props.project)) ? sides.cde : sides.other;
    const secondary = (s.props.secondaryIpRanges as { ipCidrRange?: string }[] | undefined) ?? [];
    side.ranges.push(String(s.props.ipCidrRange), ...secondary.map((r) => String(r.ipCidrRange)));
  }
  return sides;
}

export const cdeNetworkSegmentation = stackPolicy(
  {
    name: "compute-cde-network-segmentation",
    description:
      "No peering, VPN, interconnect, route or firewall rule joins the cardholder-data VPC to another network; Private Service Connect, one endpoint per region, is the only path in.",
    controls: ["NET-09"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Remove the peering, tunnel, route or firewall rule; reach cardholder-class workloads only through their PrivateServicePath endpoint.",
  },
  (resources) => {
    const findings: Finding[] = [];
    const cde = cardholderProjects(resources);
    if (cde.size === 0) return [];
    const inCde = (r: PolicyResource) => cde.has(String(r.props.project));
    const touchesCde = (r: PolicyResource) =>
      inCde(r) || [r.props.network, r.props.peerNetwork].some((n) => cde.has(projectInPath(n) ?? ""));
    const ranges = rangesBySide(resources, cde);

    for (const r of resources.filter((x) => JOINING_TYPES.includes(x.type) && touchesCde(x)))
      findings.push({
        urn: r.urn,
        problem: `${r.type.split(":").pop()} ${r.name} joins the cardholder-data VPC to another network`,
        fix: "remove it: the cde is reached only through Private Service Connect",
      });

    for (const route of resources.filter((r) => r.type === "gcp:compute/route:Route")) {
      const dest = String(route.props.destRange);
      const toGoogleApis =
        dest === RESTRICTED_GOOGLE_APIS && route.props.nextHopGateway === "default-internet-gateway";
      const crossing = inCde(route) ? !toGoogleApis : ranges.cde.ranges.some((c) => overlaps(dest, c));
      if (crossing)
        findings.push({
          urn: route.urn,
          problem: inCde(route)
            ? `route ${String(route.props.name)} in the cardholder-data VPC sends ${dest} somewhere other than restricted.googleapis.com`
            : `route ${String(route.props.name)} sends ${dest}, a cardholder-data range, out of another VPC`,
          fix: "remove the route",
        });
    }

    for (const fw of resources.filter((r) => r.type === "gcp:compute/firewall:Firewall" && inCde(r))) {
      const admitted = ((fw.props.sourceRanges as string[] | undefined) ?? []).filter(
        (s) => s !== "0.0.0.0/0" && ranges.other.ranges.some((o) => overlaps(s, o)),
      );
      if (admitted.length > 0 && fw.props.allows !== undefined)
        findings.push({
          urn: fw.urn,
          problem: `firewall rule ${String(fw.props.name)} admits ${admitted.join(", ")} from another VPC into the cardholder-data VPC`,
          fix: "remove the rule: callers arrive only through the Private Service Connect NAT range",
        });
    }

    const endpoints = resources.filter(
      (r) =>
        r.type === "gcp:compute/forwardingRule:ForwardingRule" &&
        !inCde(r) &&
        r.props.loadBalancingScheme === "",
    );
    const byRegion = new Map<string, PolicyResource[]>();
    for (const e of endpoints)
      byRegion.set(String(e.props.region), [...(byRegion.get(String(e.props.region)) ?? []), e]);
    for (const [region, list] of byRegion)
      if (list.length > 1)
        findings.push({
          urn: list[1].urn,
          problem: `${list.length} Private Service Connect endpoints in ${region}; one declared path is allowed`,
          fix: "keep the PrivateServicePath endpoint only",
        });
    return findings;
  },
);
