import * as gcp from "@pulumi/gcp";
import { Finding, resourcePolicy } from "../lib/define";

/** Google front ends and health checkers (https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges). */
export const GOOGLE_LB_RANGES = ["35.191.0.0/16", "130.211.0.0/22"];
export const SERVING_PORTS = ["443", "8443", "8080"];
export const ADMIN_PORTS = ["22", "3389"];
/** RFC 1918 space: the VPCs' own ranges. */
export const PRIVATE_RANGE = /^10\.|^172\.(1[6-9]|2\d|3[01])\.|^192\.168\./;

type Rule = { protocol?: string; ports?: string[] };

export function portsCover(ports: string[] | undefined, port: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    const [lo, hi] = p.split("-").map(Number);
    return Number(port) >= lo && Number(port) <= (hi ?? lo);
  });
}

export const networkFirewallIngress = resourcePolicy<gcp.compute.FirewallArgs>(
  {
    name: "compute-firewall-ingress-restricted",
    description:
      "Ingress firewall rules admit traffic from outside the VPC only from Google load-balancer and health-check ranges to serving ports, never SSH or RDP from the internet, and every rule is logged.",
    controls: ["NET-03", "LOG-06"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Restrict sourceRanges to 35.191.0.0/16 and 130.211.0.0/22 and ports to 443/8443/8080, or use a deny rule; add logConfig.",
  },
  gcp.compute.Firewall,
  (rule) => {
    const findings: Finding[] = [];
    if (!rule.logConfig)
      findings.push({
        problem: "firewall rule logging is off (no logConfig)",
        fix: "add logConfig: { metadata: INCLUDE_ALL_METADATA }",
      });
    const allows = (rule.allows ?? []) as Rule[];
    if ((rule.direction ?? "INGRESS") !== "INGRESS" || allows.length === 0) return findings;
    const sources = (rule.sourceRanges ?? []) as string[];
    const external = sources.filter((s) => !GOOGLE_LB_RANGES.includes(s) && !PRIVATE_RANGE.test(s));
    if (external.length > 0) {
      findings.push({
        problem: `allows ingress from ${external.join(", ")}`,
        fix: `admit only ${GOOGLE_LB_RANGES.join(", ")} or internal ranges`,
      });
    }
    for (const allow of allows) {
      if (ADMIN_PORTS.some((p) => portsCover(allow.ports, p)) && external.length > 0) {
        findings.push({
          problem: `admits ${allow.protocol}:${(allow.ports ?? ["all"]).join(",")} (SSH/RDP) from outside`,
          fix: "remove the rule; use IAP or OS Login for administration",
        });
      }
      if (sources.some((s) => GOOGLE_LB_RANGES.includes(s))) {
        const extra = (allow.ports ?? ["all"]).filter((p) => !SERVING_PORTS.includes(p));
        if (allow.protocol !== "tcp" || extra.length > 0) {
          findings.push({
            problem: `admits ${allow.protocol}:${(allow.ports ?? ["all"]).join(",")} from load-balancer ranges`,
            fix: `limit to tcp:${SERVING_PORTS.join(",")}`,
          });
        }
      }
    }
    return findings;
  },
);
