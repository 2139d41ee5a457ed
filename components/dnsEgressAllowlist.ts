import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { RESTRICTED_DOMAINS } from "./network";

/**
 * Names every VPC may resolve whatever the allowlist: the restricted Google API domains, answered
 * by the VPC's own private zones, and Google's internal names (metadata.google.internal,
 * <vm>.<zone>.c.<project>.internal), answered by Cloud DNS itself; and the fleet's multi-cluster
 * Services names. None of them is ever forwarded to the internet.
 */
export const PRIVATE_SUFFIXES = [...RESTRICTED_DOMAINS, "internal", "clusterset.local"];

/**
 * The catch-all: every name the allowlist does not exempt is answered here, by Cloud DNS, with an
 * address that routes nowhere. Local data "override[s] any other DNS behavior for the matched name;
 * in particular they override private zones, the public internet, and GCP internal DNS"
 * (magic-modules products/dns/ResponsePolicyRule.yaml), so the query never reaches an authoritative
 * server outside Google: no data leaves in the names asked.
 */
export const CATCH_ALL = "*.";
export const SINKHOLE = "0.0.0.0";

/** `a.b.` for a name, the wildcard of a suffix: each allowed suffix needs both (a wildcard does not match its apex). */
export function allowedNames(suffixes: readonly string[], hosts: readonly string[]): string[] {
  return [...suffixes.flatMap((s) => [`${s}.`, `*.${s}.`]), ...hosts.map((h) => `${h}.`)];
}

export interface DnsEgressAllowlistArgs {
  project: pulumi.Input<string>;
  /** VPC name, e.g. `prod-cde`; names the policy. */
  networkName: string;
  /** The VPC's id; the policy is bound to it (one response policy per network). */
  network: pulumi.Input<string>;
  /**
   * Host names outside Google this VPC may resolve, exactly: the same FQDN allowlist its egress
   * firewall policy admits on 443 (NET-08). Empty for the cde.
   * @default []
   */
  hosts?: string[];
}

/**
 * DNS egress (NET-08): firewall rules do not govern the metadata server's resolver, so without this
 * a pod could exfiltrate data in the names it resolves ("<data>.attacker.example"). A Cloud DNS
 * response policy on the VPC answers every name itself (the catch-all) except an allowlist, whose
 * rules "skip a less-specific Response Policy Rule and let the query logic continue"
 * (bypassResponsePolicy: https://cloud.google.com/dns/docs/reference/rest/v1/responsePolicyRules,
 * "This functionality also facilitates allowlisting"). GKE nodes resolve cluster-scoped names
 * (cluster.local) first and then "continue by following the VPC network resolution order", where the
 * network's response policy applies (https://cloud.google.com/dns/docs/vpc-name-res-order).
 */
export class DnsEgressAllowlist extends pulumi.ComponentResource {
  public readonly policy: gcp.dns.ResponsePolicy;

  constructor(name: string, args: DnsEgressAllowlistArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:network:DnsEgressAllowlist", name, {}, opts);
    const child = { parent: this };
    const policy = new gcp.dns.ResponsePolicy(
      `${name}-policy`,
      {
        project: args.project,
        responsePolicyName: `${args.networkName}-dns-egress`,
        description: `Only allowlisted names resolve from ${args.networkName} (NET-08).`,
        networks: [{ networkUrl: args.network }],
      },
      child,
    );
    const ruleName = (dnsName: string) =>
      `allow-${dnsName.replace(/^\*\./, "any-").replace(/\.$/, "").replace(/\./g, "-")}`.slice(0, 63);
    for (const dnsName of allowedNames(PRIVATE_SUFFIXES, args.hosts ?? []))
      new gcp.dns.ResponsePolicyRule(
        `${name}-${ruleName(dnsName)}`,
        {
          project: args.project,
          responsePolicy: policy.responsePolicyName,
          ruleName: ruleName(dnsName),
          dnsName,
          behavior: "bypassResponsePolicy",
        },
        child,
      );
    new gcp.dns.ResponsePolicyRule(
      `${name}-deny-all`,
      {
        project: args.project,
        responsePolicy: policy.responsePolicyName,
        ruleName: "deny-all",
        dnsName: CATCH_ALL,
        localData: { localDatas: [{ name: CATCH_ALL, type: "A", ttl: 300, rrdatas: [SINKHOLE] }] },
      },
      child,
    );
    this.policy = policy;
    this.registerOutputs({ policy });
  }
}
