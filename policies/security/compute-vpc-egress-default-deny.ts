import { PolicyResource } from "@pulumi/policy";
import * as ipaddr from "ipaddr.js";
import { Finding, stackPolicy } from "../lib/define";

const NETWORK = "gcp:compute/network:Network";
const POLICY = "gcp:compute/networkFirewallPolicy:NetworkFirewallPolicy";
const RULE = "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule";
const ASSOCIATION = "gcp:compute/networkFirewallPolicyAssociation:NetworkFirewallPolicyAssociation";
/** An organisation's or folder's firewall policy rules: standalone, or inline in a policy with rules. */
const HIERARCHICAL_RULES = [
  "gcp:compute/firewallPolicyRule:FirewallPolicyRule",
  "gcp:compute/firewallPolicyWithRules:FirewallPolicyWithRules",
  // The older organisation security policy of type FIREWALL: its rules take direction EGRESS too
  // (@pulumi/gcp compute/organizationSecurityPolicyRule.d.ts: "direction: The direction in which
  // this rule applies ... only ... when the versionedExpr is set to FIREWALL"), match under config.
  "gcp:compute/organizationSecurityPolicyRule:OrganizationSecurityPolicyRule",
];
/**
 * The actions a hierarchical egress rule may take: deny, or hand the decision down. magic-modules
 * mmv1/products/compute/FirewallPolicyRule.yaml, action: 'Valid actions are "allow", "deny",
 * "goto_next" and "apply_security_profile_group"' — allow and a security profile (whose
 * inspection lets through what it does not block) both decide for traffic before the VPC's policy.
 */
const HIERARCHICAL_EGRESS_ACTIONS = ["deny", "goto_next"];

interface Rule {
  ruleName?: string;
  firewallPolicy?: string;
  priority?: number;
  direction?: string;
  action?: string;
  enableLogging?: boolean;
  disabled?: boolean;
  targetServiceAccounts?: string[];
  targetSecureTags?: unknown[];
  match?: {
    destIpRanges?: string[];
    destFqdns?: string[];
    layer4Configs?: { ipProtocol?: string; ports?: string[] }[];
  } & Record<string, unknown>;
}

/** A hierarchical rule's destinations: in match, or in match.config for an organisation security policy's rule. */
function destinationsOf(rule: Rule): unknown {
  const config = rule.match?.config as { destIpRanges?: string[] } | undefined;
  return rule.match?.destIpRanges ?? rule.match?.destFqdns ?? config?.destIpRanges ?? "every destination";
}

/** restricted.googleapis.com's range; the Google APIs behind it are HTTPS, so the platform opens tcp:443 to it and nothing else. */
const RESTRICTED_GOOGLE_APIS = "199.36.153.4/30";

/**
 * The match fields a deny-all may set: its ranges and protocols. Any other field (source ranges,
 * FQDNs, regions, threat lists, address groups, secure tags, network scope or context, source
 * networks: magic-modules mmv1/products/compute/NetworkFirewallPolicyRule.yaml) narrows what it
 * covers, e.g. `destNetworkContext: INTRA_VPC` denies only traffic inside the VPC. An allow-list,
 * so a field the API adds later narrows too.
 */
const DENY_ALL_FIELDS = ["destIpRanges", "layer4Configs"];
/** Destinations an allow rule may name that the policy can judge: ranges, and FQDNs (judged apart). */
const JUDGED_DESTINATIONS = ["destIpRanges", "destFqdns"];
/** A match field that says something: not absent, not empty, not the API's UNSPECIFIED default. */
const isSet = (v: unknown) =>
  Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null && v !== "UNSPECIFIED";

function within(cidr: string, ranges: string[]): boolean {
  try {
    const [addr, bits] = ipaddr.parseCIDR(cidr);
    return ranges.some((r) => {
      const [raddr, rbits] = ipaddr.parseCIDR(r);
      return addr.kind() === raddr.kind() && bits >= rbits && addr.match(raddr, rbits);
    });
  } catch {
    return false;
  }
}

/** The ranges a VPC's egress may reach: its own subnets (primary and secondary) and its private services access ranges. */
function ownRanges(resources: PolicyResource[], network: PolicyResource): string[] {
  const n = network.props as { name?: string; project?: string };
  const ofNetwork = (r: PolicyResource) =>
    lastSegment(r.props.network) === n.name && (r.props.project ?? n.project) === n.project;
  const ranges: string[] = [];
  for (const s of resources.filter((r) => r.type === "gcp:compute/subnetwork:Subnetwork" && ofNetwork(r))) {
    const secondary = (s.props.secondaryIpRanges as { ipCidrRange?: string }[] | undefined) ?? [];
    ranges.push(String(s.props.ipCidrRange), ...secondary.map((r) => String(r.ipCidrRange)));
  }
  for (const a of resources.filter(
    (r) =>
      r.type === "gcp:compute/globalAddress:GlobalAddress" &&
      r.props.purpose === "VPC_PEERING" &&
      ofNetwork(r),
  ))
    ranges.push(`${String(a.props.address)}/${String(a.props.prefixLength)}`);
  return ranges;
}

/** What an enabled rule that lets traffic through (allow, goto_next, a security profile) reaches beyond the VPC's allowed destinations. */
function strayDestinations(r: Rule, own: string[]): string[] {
  const stray: string[] = [];
  const match = r.match ?? {};
  for (const [field, value] of Object.entries(match))
    if (field.startsWith("dest") && !JUDGED_DESTINATIONS.includes(field) && isSet(value))
      stray.push(`${field} ${JSON.stringify(value)}`);
  const ranges = match.destIpRanges ?? [];
  if (!ranges.length && !(match.destFqdns ?? []).length && !stray.length) stray.push("every destination");
  for (const range of ranges) {
    if (within(range, [RESTRICTED_GOOGLE_APIS])) {
      const l4 = match.layer4Configs ?? [];
      if (!l4.length || l4.some((l) => l.ipProtocol !== "tcp" || JSON.stringify(l.ports) !== '["443"]'))
        stray.push(`${range} on ${JSON.stringify(l4)} (only tcp:443 is opened to restricted.googleapis.com)`);
    } else if (!within(range, own)) stray.push(range);
  }
  return stray;
}

const lastSegment = (ref: unknown) =>
  String(ref ?? "")
    .split("/")
    .pop();

/** Whether any resource of the project carries the cardholder data class (labels of any kind). */
function holdsCardholderData(resources: PolicyResource[], project: unknown): boolean {
  return resources.some((r) => {
    const p = r.props as Record<string, unknown>;
    const labels = [
      p.labels,
      p.userLabels,
      p.resourceLabels,
      (p.settings as { userLabels?: unknown } | undefined)?.userLabels,
    ];
    return (
      p.project === project &&
      labels.some((l) => (l as Record<string, string> | undefined)?.["data-class"] === "cardholder")
    );
  });
}

/** The rules of the network firewall policies associated with a VPC. */
function rulesOf(resources: PolicyResource[], network: PolicyResource): Rule[] {
  const n = network.props as { name?: string; project?: string };
  const attached = resources
    .filter(
      (a) =>
        a.type === ASSOCIATION &&
        lastSegment(a.props.attachmentTarget) === n.name &&
        a.props.project === n.project,
    )
    .map((a) => lastSegment(a.props.firewallPolicy));
  const policies = resources.filter((p) => p.type === POLICY && attached.includes(String(p.props.name)));
  return resources
    .filter(
      (r) => r.type === RULE && policies.some((p) => lastSegment(r.props.firewallPolicy) === p.props.name),
    )
    .map((r) => r.props as Rule);
}

const isDenyAll = (r: Rule) =>
  r.direction === "EGRESS" &&
  r.action === "deny" &&
  r.disabled !== true &&
  !(r.targetServiceAccounts ?? []).length &&
  !(r.targetSecureTags ?? []).length &&
  !Object.entries(r.match ?? {}).some(([f, v]) => !DENY_ALL_FIELDS.includes(f) && isSet(v)) &&
  (r.match?.destIpRanges ?? []).includes("0.0.0.0/0") &&
  (r.match?.layer4Configs ?? []).some((l) => l.ipProtocol === "all");

export const vpcEgressDefaultDeny = stackPolicy(
  {
    name: "compute-vpc-egress-default-deny",
    description:
      "Every VPC denies egress by default: no hierarchical firewall policy rule allows egress ahead of it, an associated network firewall policy, evaluated before classic rules, denies all egress at its lowest priority, lets through only Google's restricted range and the VPC's own and private services ranges, every rule logs, and a VPC holding cardholder data allows no host by name.",
    controls: ["NET-08"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Associate the VPC with a network firewall policy (components/egressFirewall.ts) whose lowest-priority rule, enabled and untargeted, denies 0.0.0.0/0 for all protocols; set networkFirewallPolicyEnforcementOrder: BEFORE_CLASSIC_FIREWALL; allow only 199.36.153.4/30 on tcp:443, the VPC's subnet ranges and its private services access ranges; log every rule; keep FQDN allowlists out of the cde VPC.",
  },
  (resources) => {
    const findings: Finding[] = [];
    // https://cloud.google.com/firewall/docs/firewall-policies-rule-eval-order: in either order
    // "1. Hierarchical firewall policies" come before "Global network firewall policies": an egress
    // allow of an organisation's or folder's policy outranks every VPC's deny-all ("goto_next"
    // hands the decision down and is harmless).
    for (const r of resources.filter((x) => HIERARCHICAL_RULES.includes(x.type)))
      for (const rule of r.type === HIERARCHICAL_RULES[1]
        ? ((r.props.rules as Rule[] | undefined) ?? [])
        : [r.props as Rule])
        if (
          rule.direction === "EGRESS" &&
          !HIERARCHICAL_EGRESS_ACTIONS.includes(String(rule.action)) &&
          rule.disabled !== true
        )
          findings.push({
            urn: r.urn,
            problem: `hierarchical firewall policy rule ${rule.ruleName ? String(rule.ruleName) : `at priority ${String(rule.priority)}`} ${rule.action === "allow" ? "allows egress" : `takes action "${String(rule.action)}" on egress`} to ${JSON.stringify(destinationsOf(rule))}: it is evaluated before every VPC's network firewall policy and outranks its deny-all`,
            fix: 'use action "goto_next" or "deny" in hierarchical policies: egress is allowed only by each VPC\'s own policy',
          });
    for (const network of resources.filter((r) => r.type === NETWORK)) {
      const rules = rulesOf(resources, network);
      const egress = rules.filter((r) => r.direction === "EGRESS");
      const denyAll = egress.filter(isDenyAll);
      const lowest = Math.max(...egress.map((r) => Number(r.priority ?? 0)));
      if (!denyAll.length)
        findings.push({
          urn: network.urn,
          problem: egress.some((r) => r.action === "deny" && r.disabled === true)
            ? "the associated egress deny-all rule is disabled: traffic behaves as if it did not exist"
            : "no associated network firewall policy denies all egress",
          fix: "add an EGRESS deny rule for 0.0.0.0/0, all protocols, at the lowest priority",
        });
      else if (!denyAll.some((r) => Number(r.priority) === lowest))
        findings.push({
          urn: network.urn,
          problem: `the egress deny-all rule has priority ${denyAll.map((r) => r.priority).join(", ")}, not the lowest (${lowest}), so it shadows every rule after it`,
          fix: "give the deny-all rule the largest priority number of the policy",
        });
      // https://cloud.google.com/firewall/docs/firewall-policies-rule-eval-order: "AFTER_CLASSIC_FIREWALL
      // (default): ... 3. VPC firewall rules 4. Global network firewall policies": a classic egress
      // allow rule would outrank the policy's deny.
      if (network.props.networkFirewallPolicyEnforcementOrder !== "BEFORE_CLASSIC_FIREWALL")
        findings.push({
          urn: network.urn,
          problem: `networkFirewallPolicyEnforcementOrder is ${String(network.props.networkFirewallPolicyEnforcementOrder ?? "AFTER_CLASSIC_FIREWALL (the default)")}: classic firewall rules are evaluated first and any egress allow among them outranks the policy's deny`,
          fix: 'set networkFirewallPolicyEnforcementOrder: "BEFORE_CLASSIC_FIREWALL"',
        });
      const own = ownRanges(resources, network);
      const barrier = Math.min(...denyAll.map((r) => Number(r.priority)));
      for (const r of egress.filter(
        (x) => x.action !== "deny" && x.disabled !== true && Number(x.priority ?? 0) < barrier,
      )) {
        const stray = strayDestinations(r, own);
        if (stray.length)
          findings.push({
            urn: network.urn,
            problem: `egress rule ${String(r.ruleName)} (priority ${String(r.priority)}, ${String(r.action)}) lets traffic out to ${stray.join(", ")}, beyond Google's restricted range and the VPC's own and private services ranges`,
            fix: "narrow destIpRanges to 199.36.153.4/30 (tcp:443), the VPC's subnet ranges or its private services access range, or remove the rule",
          });
      }
      const unlogged = rules.filter((r) => r.enableLogging !== true).length;
      if (unlogged)
        findings.push({
          urn: network.urn,
          problem: `${unlogged} firewall policy rule(s) do not log`,
          fix: "set enableLogging: true on every rule",
        });
      if (holdsCardholderData(resources, network.props.project)) {
        const byName = egress.filter((r) => r.action === "allow" && (r.match?.destFqdns ?? []).length);
        if (byName.length)
          findings.push({
            urn: network.urn,
            problem: `the VPC holds cardholder data yet allows egress to ${byName.flatMap((r) => r.match?.destFqdns ?? []).join(", ")}`,
            fix: "remove FQDN allow rules from the cde VPC: it reaches Google's APIs and its declared path only",
          });
      }
    }
    return findings;
  },
);
