import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";

const NETWORK = "gcp:compute/network:Network";
const ZONE = "gcp:dns/managedZone:ManagedZone";
const RESPONSE_POLICY = "gcp:dns/responsePolicy:ResponsePolicy";
const RULE = "gcp:dns/responsePolicyRule:ResponsePolicyRule";
const FIREWALL_RULE = "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule";
const FIREWALL_ASSOCIATION = "gcp:compute/networkFirewallPolicyAssociation:NetworkFirewallPolicyAssociation";
const CATCH_ALL = "*.";
/**
 * Suffixes answered inside Google whatever the allowlist: Compute Engine's internal names and the
 * fleet's multi-cluster Services names. A private zone of the network is the other such answer.
 */
const GOOGLE_INTERNAL = ["internal.", "clusterset.local."];

const refersTo = (url: unknown, network: PolicyResource) =>
  String(url ?? "").endsWith(
    `projects/${String(network.props.project)}/global/networks/${String(network.props.name)}`,
  ) || String(url ?? "") === String(network.props.name);

/** `*.a.b.` and `a.b.` both stand for the suffix `a.b.`. */
const suffixOf = (dnsName: string) => dnsName.replace(/^\*\./, "");
const within = (name: string, suffix: string) => name === suffix || name.endsWith(`.${suffix}`);

/**
 * DNS is egress too (NET-08): every VPC's resolver answers itself every name but an allowlist. Its
 * Cloud DNS response policy is bound to it, answers the catch-all `*.` with local data (so nothing
 * is asked of the internet), and exempts (bypassResponsePolicy) only names that never leave Google
 * (its private zones, internal names) and the third-party hosts its egress firewall admits by FQDN.
 */
export const dnsResponsePolicyAllowlist = stackPolicy(
  {
    name: "dns-response-policy-allowlist",
    description:
      "Every VPC is bound to a Cloud DNS response policy that answers all names locally except its private zones, Google's internal names and the hosts its egress firewall admits by FQDN.",
    controls: ["NET-08"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Keep components/dnsEgressAllowlist.ts on every VPC: a `*.` rule with local data, bypass rules only for the private zones, internal names and the egress firewall's FQDNs.",
  },
  (resources) => {
    const findings: Finding[] = [];
    for (const network of resources.filter((r) => r.type === NETWORK)) {
      const name = String(network.props.name);
      const policies = resources.filter(
        (r) =>
          r.type === RESPONSE_POLICY &&
          ((r.props.networks ?? []) as { networkUrl?: string }[]).some((n) =>
            refersTo(n.networkUrl, network),
          ),
      );
      if (!policies.length) {
        findings.push({
          urn: network.urn,
          problem: `VPC ${name} has no DNS response policy: its pods resolve any internet name, which the firewall does not govern (DNS exfiltration)`,
          fix: "bind a response policy that answers every name locally but an allowlist (DnsEgressAllowlist)",
        });
        continue;
      }
      const policyNames = new Set(policies.map((p) => String(p.props.responsePolicyName)));
      const rules = resources.filter(
        (r) =>
          r.type === RULE &&
          r.props.project === network.props.project &&
          policyNames.has(String(r.props.responsePolicy)),
      );
      const catchAll = rules.find(
        (r) => r.props.dnsName === CATCH_ALL && r.props.localData && !r.props.behavior,
      );
      if (!catchAll)
        findings.push({
          urn: policies[0].urn,
          problem: `the response policy of VPC ${name} has no catch-all (${CATCH_ALL}) answered with local data: names it does not list are resolved on the internet`,
          fix: `add a ${CATCH_ALL} rule with localData (a sinkhole address)`,
        });
      const privateZones = resources
        .filter(
          (z) =>
            z.type === ZONE &&
            z.props.visibility === "private" &&
            (
              (z.props.privateVisibilityConfig as { networks?: { networkUrl?: string }[] } | undefined)
                ?.networks ?? []
            ).some((n) => refersTo(n.networkUrl, network)),
        )
        .map((z) => String(z.props.dnsName));
      const firewallPolicies = new Set(
        resources
          .filter((a) => a.type === FIREWALL_ASSOCIATION && refersTo(a.props.attachmentTarget, network))
          .map((a) => String(a.props.firewallPolicy).split("/").pop()),
      );
      const hosts = resources
        .filter(
          (r) =>
            r.type === FIREWALL_RULE &&
            r.props.action === "allow" &&
            r.props.direction === "EGRESS" &&
            firewallPolicies.has(String(r.props.firewallPolicy).split("/").pop()),
        )
        .flatMap((r) =>
          ((r.props.match as { destFqdns?: string[] } | undefined)?.destFqdns ?? []).map((h) => `${h}.`),
        );
      const allowed = [...privateZones, ...GOOGLE_INTERNAL];
      // A bypassed catch-all is the missing catch-all above.
      for (const rule of rules.filter(
        (r) => r.props.behavior === "bypassResponsePolicy" && r.props.dnsName !== CATCH_ALL,
      )) {
        const dnsName = String(rule.props.dnsName);
        const suffix = suffixOf(dnsName);
        const ok =
          allowed.some((a) => within(suffix, a)) || (!dnsName.startsWith("*.") && hosts.includes(dnsName));
        if (!ok)
          findings.push({
            urn: rule.urn,
            problem: `the response policy of VPC ${name} lets ${dnsName} be resolved on the internet, which is neither a private zone nor a host its egress firewall admits`,
            fix: "exempt only the network's private zones, internal names and the firewall's FQDN allowlist (egressFqdnAllowlist)",
          });
      }
    }
    return findings;
  },
);
