import * as gcp from "@pulumi/gcp";
import { Finding, resourcePolicy } from "../lib/define";

export const networkSubnetLogging = resourcePolicy<gcp.compute.SubnetworkArgs>(
  {
    name: "compute-subnetwork-flow-logs-pga",
    description:
      "Every subnet that hosts machines has VPC flow logs and Private Google Access enabled (purpose-built subnets, such as Private Service Connect NAT ranges, host none).",
    controls: ["LOG-06", "NET-04"],
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
      "Set privateIpGoogleAccess: true and a logConfig (aggregationInterval, flowSampling, metadata) on the Subnetwork.",
  },
  gcp.compute.Subnetwork,
  (subnet) => {
    // A PRIVATE_SERVICE_CONNECT or proxy-only subnet holds no VM: nothing in it calls Google APIs,
    // and its traffic is logged at the VMs' own subnets (purpose: Subnetwork REST reference).
    if (subnet.purpose !== undefined && subnet.purpose !== "PRIVATE") return [];
    const findings: Finding[] = [];
    if (subnet.privateIpGoogleAccess !== true) {
      findings.push({
        problem: `privateIpGoogleAccess is ${JSON.stringify(subnet.privateIpGoogleAccess ?? null)}`,
        fix: "set privateIpGoogleAccess: true",
      });
    }
    const log = subnet.logConfig as { enable?: boolean } | undefined;
    if (!log || log.enable === false) {
      findings.push({
        problem: "flow logs are off (no logConfig)",
        fix: "add logConfig with metadata INCLUDE_ALL_METADATA",
      });
    }
    return findings;
  },
);
