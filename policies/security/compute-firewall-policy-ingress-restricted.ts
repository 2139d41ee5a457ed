import { anyResourcePolicy, Finding } from "../lib/define";
import {
  ADMIN_PORTS,
  GOOGLE_LB_RANGES,
  portsCover,
  PRIVATE_RANGE,
  SERVING_PORTS,
} from "./compute-firewall-ingress-restricted";

// Firewall policies, global, regional and hierarchical (organisation or folder), one rule per
// resource or all rules in one: each admits traffic like a VPC firewall rule, and a hierarchical
// or network policy is evaluated before the VPC's own rules
// (https://cloud.google.com/firewall/docs/firewall-policies-rule-details).
const SINGLE_RULE = [
  "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule",
  "gcp:compute/regionNetworkFirewallPolicyRule:RegionNetworkFirewallPolicyRule",
  "gcp:compute/firewallPolicyRule:FirewallPolicyRule",
];
const WITH_RULES = [
  "gcp:compute/networkFirewallPolicyWithRules:NetworkFirewallPolicyWithRules",
  "gcp:compute/regionNetworkFirewallPolicyWithRules:RegionNetworkFirewallPolicyWithRules",
  "gcp:compute/firewallPolicyWithRules:FirewallPolicyWithRules",
];
// What lets a matched packet in: allow, and allow after inspection by a security profile.
const ADMITTING = ["allow", "apply_security_profile_group"];

type Match = {
  srcIpRanges?: string[];
  srcFqdns?: string[];
  srcRegionCodes?: string[];
  srcThreatIntelligences?: string[];
  srcAddressGroups?: string[];
  srcNetworkScope?: string;
  layer4Configs?: { ipProtocol?: string; ports?: string[] }[];
};
type Rule = { action?: string; direction?: string; disabled?: boolean; match?: Match; ruleName?: string };

/** The sources of a rule outside the VPCs and Google's load balancers; no source at all is every source. */
function outsideSources(m: Match): string[] {
  const ranges = m.srcIpRanges ?? [];
  const named = [
    ...(m.srcFqdns ?? []).map((f) => `FQDN ${f}`),
    ...(m.srcRegionCodes ?? []).map((c) => `region ${c}`),
    ...(m.srcThreatIntelligences ?? []).map((t) => `threat list ${t}`),
    ...(m.srcAddressGroups ?? []).map((g) => `address group ${g}`),
    ...(m.srcNetworkScope === "INTERNET" ? ["network scope INTERNET"] : []),
  ];
  return [...ranges.filter((s) => !GOOGLE_LB_RANGES.includes(s) && !PRIVATE_RANGE.test(s)), ...named];
}

function judge(rule: Rule, label: string): Finding[] {
  if (rule.disabled === true || !ADMITTING.includes(String(rule.action))) return [];
  if ((rule.direction ?? "INGRESS") !== "INGRESS") return [];
  const m = rule.match ?? {};
  const outside = outsideSources(m);
  const findings: Finding[] = [];
  const l4 = m.layer4Configs ?? [];
  const ports = l4.map((c) => `${String(c.ipProtocol)}:${(c.ports ?? ["all"]).join(",")}`).join(" ");
  if (outside.length > 0) {
    const admin = l4.some((c) => ADMIN_PORTS.some((p) => portsCover(c.ports, p)));
    findings.push({
      problem: `${label}${rule.action} admits ${ports}${admin ? " (SSH/RDP)" : ""} from ${outside.join(", ")}, outside the VPCs and Google's load balancers`,
      fix: `admit only ${GOOGLE_LB_RANGES.join(", ")} or internal ranges; use IAP or OS Login for administration`,
    });
  }
  const fromLb = (m.srcIpRanges ?? []).some((s) => GOOGLE_LB_RANGES.includes(s));
  const extra = l4.filter(
    (c) => c.ipProtocol !== "tcp" || (c.ports ?? ["all"]).some((p) => !SERVING_PORTS.includes(p)),
  );
  if (fromLb && extra.length > 0)
    findings.push({
      problem: `${label}admits ${ports} from load-balancer ranges`,
      fix: `limit to tcp:${SERVING_PORTS.join(",")}`,
    });
  return findings;
}

export const computeFirewallPolicyIngress = anyResourcePolicy(
  {
    name: "compute-firewall-policy-ingress-restricted",
    description:
      "Firewall policy rules (network, regional and hierarchical) admit ingress from outside the VPC only from Google load-balancer and health-check ranges to serving ports, never SSH or RDP from the internet.",
    controls: ["NET-03"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Restrict srcIpRanges to 35.191.0.0/16 and 130.211.0.0/22 and layer4Configs to tcp 443/8443/8080, or make the rule deny; remove FQDN, region, threat-list and address-group sources.",
  },
  (r) => {
    if (SINGLE_RULE.includes(r.type)) return judge(r.props as Rule, "");
    if (!WITH_RULES.includes(r.type)) return [];
    const rules = (r.props.rules as Rule[] | undefined) ?? [];
    return rules.flatMap((rule) => judge(rule, `rule ${String(rule.ruleName ?? "")}: `));
  },
);
