import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";

const NETWORK = "gcp:compute/network:Network";
const ZONE = "gcp:dns/managedZone:ManagedZone";
const RECORD = "gcp:dns/recordSet:RecordSet";
/** restricted.googleapis.com's addresses (https://cloud.google.com/vpc/docs/configure-private-google-access). */
const RESTRICTED_IPS = ["199.36.153.4", "199.36.153.5", "199.36.153.6", "199.36.153.7"];
const DOMAINS = ["googleapis.com.", "pkg.dev.", "gcr.io."];

/** A private zone of `domain` visible to the network (by its name in the network URL). */
function zoneOf(
  resources: PolicyResource[],
  network: PolicyResource,
  domain: string,
): PolicyResource | undefined {
  const name = String(network.props.name);
  return resources.find(
    (z) =>
      z.type === ZONE &&
      z.props.dnsName === domain &&
      z.props.visibility === "private" &&
      (
        (z.props.privateVisibilityConfig as { networks?: { networkUrl?: string }[] } | undefined)?.networks ??
        []
      ).some((n) => String(n.networkUrl).endsWith(`/networks/${name}`)),
  );
}

export const dnsRestrictedGoogleApis = stackPolicy(
  {
    name: "dns-restricted-google-apis",
    description:
      "Inside every VPC, googleapis.com, pkg.dev and gcr.io resolve to restricted.googleapis.com only, so Google APIs are reached through the VIP that VPC Service Controls enforces.",
    controls: ["NET-07"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Give each VPC private zones for googleapis.com, pkg.dev and gcr.io with an A record to 199.36.153.4/30 and a wildcard CNAME to it (components/network.ts).",
  },
  (resources) => {
    const findings: Finding[] = [];
    for (const network of resources.filter((r) => r.type === NETWORK)) {
      for (const domain of DOMAINS) {
        const zone = zoneOf(resources, network, domain);
        if (!zone) {
          findings.push({
            urn: network.urn,
            problem: `no private ${domain} zone`,
            fix: `add a private zone for ${domain} bound to the VPC`,
          });
          continue;
        }
        const records = resources.filter((r) => r.type === RECORD && r.props.managedZone === zone.props.name);
        const target = domain === "googleapis.com." ? "restricted.googleapis.com." : domain;
        const a = records.find((r) => r.props.type === "A" && r.props.name === target);
        const cname = records.find((r) => r.props.type === "CNAME" && r.props.name === `*.${domain}`);
        const ips = [...((a?.props.rrdatas as string[] | undefined) ?? [])].sort();
        if (JSON.stringify(ips) !== JSON.stringify(RESTRICTED_IPS))
          findings.push({
            urn: a?.urn ?? zone.urn,
            problem: `${target} resolves to ${JSON.stringify(ips)}, not restricted.googleapis.com's ${RESTRICTED_IPS.join(", ")}`,
            fix: `point ${target} at 199.36.153.4/30`,
          });
        if (JSON.stringify(cname?.props.rrdatas) !== JSON.stringify([target]))
          findings.push({
            urn: cname?.urn ?? zone.urn,
            problem: `*.${domain} is ${JSON.stringify(cname?.props.rrdatas ?? null)}, not a CNAME to ${target}`,
            fix: `add *.${domain} CNAME ${target}`,
          });
      }
    }
    return findings;
  },
);
