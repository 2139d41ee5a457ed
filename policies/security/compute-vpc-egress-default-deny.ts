import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";

const NETWORK = "gcp:compute/network:Network";
const POLICY = "gcp:compute/networkFirewallPolicy:NetworkFirewallPolicy";
const RULE = "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule";
const ASSOCIATION = "gcp:compute/networkFirewallPolicyAssociation:NetworkFirewallPolicyAssociation";

interface Rule {
  firewallPolicy?: string;
  priority?: number;
  direction?: string;
  action?: string;
  enableLogging?: boolean;
  match?: { destIpRanges?: string[]; destFqdns?: string[]; layer4Configs?: { ipProtocol?: string }[] };
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
  (r.match?.destIpRanges ?? []).includes("0.0.0.0/0") &&
  (r.match?.layer4Configs ?? []).some((l) => l.ipProtocol === "all");

export const vpcEgressDefaultDeny = stackPolicy(
  {
    name: "compute-vpc-egress-default-deny",
    description:
      "Every VPC denies egress by default: an associated network firewall policy denies all egress at its lowest priority, every rule logs, and a VPC holding cardholder data allows no host by name.",
    controls: ["NET-08"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Associate the VPC with a network firewall policy (components/egressFirewall.ts) whose lowest-priority rule denies 0.0.0.0/0 for all protocols, with logging on every rule; keep FQDN allowlists out of the cde VPC.",
  },
  (resources) => {
    const findings: Finding[] = [];
    for (const network of resources.filter((r) => r.type === NETWORK)) {
      const rules = rulesOf(resources, network);
      const egress = rules.filter((r) => r.direction === "EGRESS");
      const denyAll = egress.filter(isDenyAll);
      const lowest = Math.max(...egress.map((r) => Number(r.priority ?? 0)));
      if (!denyAll.length)
        findings.push({
          urn: network.urn,
          problem: "no associated network firewall policy denies all egress",
          fix: "add an EGRESS deny rule for 0.0.0.0/0, all protocols, at the lowest priority",
        });
      else if (!denyAll.some((r) => Number(r.priority) === lowest))
        findings.push({
          urn: network.urn,
          problem: `the egress deny-all rule has priority ${denyAll.map((r) => r.priority).join(", ")}, not the lowest (${lowest}), so it shadows every rule after it`,
          fix: "give the deny-all rule the largest priority number of the policy",
        });
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
