import * as gcp from "@pulumi/gcp";
import { resourcePolicy } from "../lib/define";

// Compute API Subnetwork.ipv6AccessType
// (https://cloud.google.com/python/docs/reference/compute/latest/google.cloud.compute_v1.types.Subnetwork.Ipv6AccessType):
// EXTERNAL: "VMs on this subnet will be assigned IPv6 addresses that are accessible via the
// Internet, as well as the VPC network." The egress deny-all rules match destIpRanges 0.0.0.0/0,
// IPv4 only (NET-08): an external IPv6 address is a way in and out around them. INTERNAL stays in the VPC.
export const subnetNoExternalIpv6 = resourcePolicy<gcp.compute.SubnetworkArgs>(
  {
    name: "compute-subnetwork-no-external-ipv6",
    description:
      "No subnet hands out external IPv6 addresses (ipv6AccessType EXTERNAL), reachable from and to the internet.",
    controls: ["NET-08", "NET-03"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Keep stackType IPV4_ONLY, or use ipv6AccessType INTERNAL; the access type is immutable once set, so the subnet is replaced.",
  },
  gcp.compute.Subnetwork,
  (subnet) =>
    subnet.ipv6AccessType === "EXTERNAL"
      ? [
          {
            problem: `stackType ${String(subnet.stackType ?? "IPV4_ONLY")} with ipv6AccessType EXTERNAL: its VMs get IPv6 addresses reachable from the internet, and the egress deny-all (0.0.0.0/0) matches IPv4 only`,
            fix: "remove ipv6AccessType EXTERNAL (IPV4_ONLY, or INTERNAL IPv6)",
          },
        ]
      : [],
);
