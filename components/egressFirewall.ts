import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { RESTRICTED_GOOGLE_APIS_RANGE } from "./network";

/** The lowest priority a network firewall policy rule may have: the default-deny sits there. */
export const LOWEST_RULE_PRIORITY = 2147483547;

export interface EgressFirewallArgs {
  project: pulumi.Input<string>;
  /** VPC name, e.g. `prod-platform`; names the policy and its rules. */
  networkName: string;
  /** The VPC's id; the policy is associated with it. */
  network: pulumi.Input<string>;
  /** The VPC's own ranges (nodes, pods, services of every subnet): traffic inside the VPC. */
  internalRanges: string[];
  /** Private services access range (Cloud SQL, Memorystore) and the ports the workloads use there. */
  privateServiceAccess: { range: string; ports: string[] };
  /**
   * Third-party host names the VPC may reach on 443 (PagerDuty, ...). Only the platform VPC has
   * any: the cardholder-data environment reaches nothing outside Google's APIs and its own network.
   * @default []
   */
  fqdnAllowlist?: string[];
}

/**
 * Default-deny egress for one VPC (NET-08), as a global network firewall policy associated with
 * it: allow the restricted Google API range, the private services access range on the data ports,
 * traffic inside the VPC, and (platform only) named third-party hosts by FQDN; deny everything else
 * at the lowest priority. Every rule logs. A network firewall policy rather than VPC firewall rules:
 * it is one object per VPC, its FQDN matching needs it, and IAM on it is separate from the network
 * admin's (https://cloud.google.com/firewall/docs/network-firewall-policies). Health-check
 * replies, the metadata server and established connections are not egress the policy can block.
 */
export class EgressFirewall extends pulumi.ComponentResource {
  public readonly policy: gcp.compute.NetworkFirewallPolicy;

  constructor(name: string, args: EgressFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:network:EgressFirewall", name, {}, opts);
    const child = { parent: this };
    const policy = new gcp.compute.NetworkFirewallPolicy(
      `${name}-policy`,
      {
        project: args.project,
        name: `${args.networkName}-egress`,
        description: `Default-deny egress of ${args.networkName} (NET-08).`,
      },
      child,
    );
    const rule = (
      key: string,
      priority: number,
      action: "allow" | "deny",
      description: string,
      match: gcp.types.input.compute.NetworkFirewallPolicyRuleMatch,
    ) =>
      new gcp.compute.NetworkFirewallPolicyRule(
        `${name}-${key}`,
        {
          project: args.project,
          firewallPolicy: policy.name,
          ruleName: `${args.networkName}-${key}`,
          priority,
          direction: "EGRESS",
          action,
          enableLogging: true,
          description,
          match,
        },
        child,
      );
    rule("google-apis", 1000, "allow", "Google APIs through restricted.googleapis.com only.", {
      destIpRanges: [RESTRICTED_GOOGLE_APIS_RANGE],
      layer4Configs: [{ ipProtocol: "tcp", ports: ["443"] }],
    });
    rule("private-services", 1100, "allow", "Cloud SQL and Memorystore over private services access.", {
      destIpRanges: [args.privateServiceAccess.range],
      layer4Configs: [{ ipProtocol: "tcp", ports: args.privateServiceAccess.ports }],
    });
    rule("internal", 1200, "allow", "Traffic between the VPC's own nodes, pods and services.", {
      destIpRanges: args.internalRanges,
      layer4Configs: [{ ipProtocol: "all" }],
    });
    if (args.fqdnAllowlist?.length)
      rule(
        "third-parties",
        1300,
        "allow",
        "Named third-party services on 443 (stack config egressFqdnAllowlist).",
        {
          destFqdns: args.fqdnAllowlist,
          layer4Configs: [{ ipProtocol: "tcp", ports: ["443"] }],
        },
      );
    rule("deny-all", LOWEST_RULE_PRIORITY, "deny", "Everything else is denied and logged.", {
      destIpRanges: ["0.0.0.0/0"],
      layer4Configs: [{ ipProtocol: "all" }],
    });
    new gcp.compute.NetworkFirewallPolicyAssociation(
      `${name}-association`,
      {
        project: args.project,
        name: `${args.networkName}-egress`,
        firewallPolicy: policy.id,
        attachmentTarget: args.network,
      },
      child,
    );
    this.policy = policy;
    this.registerOutputs({ policy });
  }
}
