import { CapturedResource } from "../../engine/model";
import { addResource, editResource, Mutation, removeResource } from "../mutate";
import type { PolicyCase } from "./policyCases";

/**
 * DNS egress, the path to card-vault and the organisation guardrails (issue 29, items 6 to 8): each
 * way to re-open what they close, as a mutation of the prod plan.
 */
const byName = (resources: CapturedResource[], name: string) => {
  const r = resources.find((x) => x.name === name);
  if (!r) throw new Error(`no resource ${name}`);
  return r;
};

/** A NetworkPolicy added to one of prod's clusters (through its provider), in `namespace`. */
function networkPolicy(
  name: string,
  clusterProvider: string,
  namespace: string,
  egressTo: (resources: CapturedResource[]) => string,
  podSelector: Record<string, unknown> = {},
): Mutation {
  return (resources) => {
    const provider = byName(resources, clusterProvider);
    return addResource({
      type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      name,
      provider: `${provider.urn}::${provider.id ?? ""}`,
      inputs: {
        metadata: { name, namespace },
        spec: {
          podSelector,
          policyTypes: ["Egress"],
          egress: [
            { to: [{ ipBlock: { cidr: egressTo(resources) } }], ports: [{ protocol: "TCP", port: 443 }] },
          ],
        },
      },
    })(resources);
  };
}
const endpointOf = (resources: CapturedResource[]) =>
  `${String(byName(resources, "prod-card-vault-path-us-central1-endpoint-ip").outputs.address)}/32`;

const dnsRule = (name: string, project: string, policy: string, dnsName: string): Mutation =>
  addResource({
    type: "gcp:dns/responsePolicyRule:ResponsePolicyRule",
    name,
    inputs: { project, responsePolicy: policy, ruleName: name, dnsName, behavior: "bypassResponsePolicy" },
  });

export const NETWORK_CASES: PolicyCase[] = [
  {
    policy: "k8s-cardholder-service-private",
    title:
      "a NodePort Service without metadata.namespace on a cde cluster (named in the namespace it lands in)",
    mutate: (resources) => {
      const provider = byName(resources, "prod-cde-gke-us-central1-k8s");
      return addResource({
        type: "kubernetes:core/v1:Service",
        name: "namespaceless-node-port",
        provider: `${provider.urn}::${provider.id ?? ""}`,
        inputs: {
          metadata: { name: "side-door" },
          spec: { type: "NodePort", selector: { app: "card-vault" }, ports: [{ port: 443 }] },
        },
      })(resources);
    },
    on: "namespaceless-node-port",
    message:
      '[NET-09] kubernetes:core/v1:Service "namespaceless-node-port": Service default/side-door is a NodePort: every node of the cluster takes its traffic, a path around the declared Private Service Connect attachment. Fix: make it ClusterIP, or publish the workload through PrivateServicePath',
  },
  {
    policy: "dns-response-policy-allowlist",
    title: "the cde VPC without a DNS response policy (removed: any name resolves, DNS exfiltration)",
    mutate: removeResource("prod-cde-dns-egress-policy"),
    on: "prod-cde-net-vpc",
    message:
      '[NET-08] gcp:compute/network:Network "prod-cde-net-vpc": VPC prod-cde has no DNS response policy: its pods resolve any internet name, which the firewall does not govern (DNS exfiltration). Fix: bind a response policy that answers every name locally but an allowlist (DnsEgressAllowlist)',
  },
  {
    policy: "dns-response-policy-allowlist",
    title: "the response policy unbound from the cde VPC",
    mutate: editResource("prod-cde-dns-egress-policy", (p) => (p.networks = [])),
    on: "prod-cde-net-vpc",
    message:
      '[NET-08] gcp:compute/network:Network "prod-cde-net-vpc": VPC prod-cde has no DNS response policy: its pods resolve any internet name, which the firewall does not govern (DNS exfiltration). Fix: bind a response policy that answers every name locally but an allowlist (DnsEgressAllowlist)',
  },
  {
    policy: "dns-response-policy-allowlist",
    title: "the catch-all reversed to a bypass",
    mutate: editResource("prod-cde-dns-egress-deny-all", (p) => {
      delete p.localData;
      p.behavior = "bypassResponsePolicy";
    }),
    on: "prod-cde-dns-egress-policy",
    message:
      '[NET-08] gcp:dns/responsePolicy:ResponsePolicy "prod-cde-dns-egress-policy": the response policy of VPC prod-cde has no catch-all (*.) answered with local data: names it does not list are resolved on the internet. Fix: add a *. rule with localData (a sinkhole address)',
  },
  {
    policy: "dns-response-policy-allowlist",
    title: "every .com name exempted on the platform VPC (widened)",
    mutate: dnsRule("allow-any-com", "qp-prod-platform", "prod-platform-dns-egress", "*.com."),
    on: "allow-any-com",
    message:
      "[NET-08] gcp:dns/responsePolicyRule:ResponsePolicyRule \"allow-any-com\": the response policy of VPC prod-platform lets *.com. be resolved on the internet, which is neither a private zone nor a host its egress firewall admits. Fix: exempt only the network's private zones, internal names and the firewall's FQDN allowlist (egressFqdnAllowlist)",
  },
  {
    policy: "dns-response-policy-allowlist",
    title: "a host the firewall does not admit exempted on the cde VPC (bypassed)",
    mutate: dnsRule("allow-exfil", "qp-prod-cde", "prod-cde-dns-egress", "exfil.attacker.example."),
    on: "allow-exfil",
    message:
      "[NET-08] gcp:dns/responsePolicyRule:ResponsePolicyRule \"allow-exfil\": the response policy of VPC prod-cde lets exfil.attacker.example. be resolved on the internet, which is neither a private zone nor a host its egress firewall admits. Fix: exempt only the network's private zones, internal names and the firewall's FQDN allowlist (egressFqdnAllowlist)",
  },
  {
    policy: "k8s-private-service-endpoint-callers",
    title: "the gateway namespace also allowed to the card-vault endpoint (another caller)",
    mutate: networkPolicy("gateway-to-card-vault", "prod-gke-us-central1-k8s", "gateway", endpointOf),
    on: "gateway-to-card-vault",
    message:
      "[NET-09, K8S-02] kubernetes:networking.k8s.io/v1:NetworkPolicy \"gateway-to-card-vault\": NetworkPolicy gateway/gateway-to-card-vault opens the Private Service Connect endpoint card-vault-us-central1-psc (10.68.0.2): namespace gateway is a second caller besides ledger; every pod of the namespace may (podSelector {}). Fix: allow the endpoint's /32 only to the calling workload's pods, in its namespace",
  },
  {
    policy: "k8s-private-service-endpoint-callers",
    title: "the ledger's endpoint rule widened to every pod of its namespace",
    mutate: editResource("prod-baseline-us-central1-ledger-allow-datastores", (p) => {
      (p.spec as { podSelector: unknown }).podSelector = {};
    }),
    on: "prod-baseline-us-central1-ledger-allow-datastores",
    message:
      "[NET-09, K8S-02] kubernetes:networking.k8s.io/v1:NetworkPolicy \"prod-baseline-us-central1-ledger-allow-datastores\": NetworkPolicy ledger/allow-datastores opens the Private Service Connect endpoint card-vault-us-central1-psc (10.68.0.2): every pod of the namespace may (podSelector {}). Fix: allow the endpoint's /32 only to the calling workload's pods, in its namespace",
  },
  {
    policy: "k8s-private-service-endpoint-callers",
    title: "a namespace allowed to the whole address space, the endpoint included",
    mutate: networkPolicy(
      "gateway-to-everything",
      "prod-gke-us-central1-k8s",
      "gateway",
      () => "10.64.0.0/12",
      {
        matchLabels: { app: "gateway" },
      },
    ),
    on: "gateway-to-everything",
    message:
      "[NET-09, K8S-02] kubernetes:networking.k8s.io/v1:NetworkPolicy \"gateway-to-everything\": NetworkPolicy gateway/gateway-to-everything opens the Private Service Connect endpoint card-vault-us-central1-psc (10.68.0.2): namespace gateway is a second caller besides ledger; through 10.64.0.0/12, not the endpoint's /32 alone. Fix: allow the endpoint's /32 only to the calling workload's pods, in its namespace",
  },
  {
    policy: "k8s-namespace-default-deny",
    title: "a cluster's default namespace without default-deny (removed)",
    mutate: removeResource("prod-baseline-us-east1-default-ns-default-deny"),
    on: "prod-baseline-us-east1-gateway",
    message:
      '[K8S-02] kubernetes:core/v1:Namespace "prod-baseline-us-east1-gateway": the default namespace of its cluster has no default-deny NetworkPolicy: a pod deployed there reaches anything the VPC does. Fix: add default-deny-all in the default namespace (KubernetesBaseline)',
  },
  {
    policy: "orgpolicy-guardrails-applied",
    title: "compute.restrictVpcPeering removed from the cde project",
    mutate: removeResource("prod-guardrails-cde-compute.restrictVpcPeering"),
    on: "prod-guardrails-cde-SqlInstanceCmek",
    message:
      '[GOV-03] gcp:orgpolicy/policy:Policy "prod-guardrails-cde-SqlInstanceCmek": projects/102116835757 is governed without compute.restrictVpcPeering. Fix: set every catalogue constraint on every scope (OrgGuardrails does)',
  },
  {
    policy: "orgpolicy-guardrails-applied",
    title: "compute.restrictVpcPeering switched to allow every network",
    mutate: editResource("prod-guardrails-cde-compute.restrictVpcPeering", (p) => {
      p.spec = { rules: [{ allowAll: "TRUE" }] };
    }),
    on: "prod-guardrails-cde-compute.restrictVpcPeering",
    message:
      '[GOV-03] gcp:orgpolicy/policy:Policy "prod-guardrails-cde-compute.restrictVpcPeering": it sets compute.restrictVpcPeering without an enforcing rule, in spec or in dryRunSpec. Fix: set rules: [{ enforce: "TRUE" }] (or the list rule) in spec, or in dryRunSpec while trying it',
  },
  {
    policy: "orgpolicy-guardrails-applied",
    title: "domain restricted sharing removed from the platform project",
    mutate: removeResource("prod-guardrails-platform-iam.managed.allowedPolicyMembers"),
    on: "prod-guardrails-platform-SqlInstanceCmek",
    message:
      '[GOV-03] gcp:orgpolicy/policy:Policy "prod-guardrails-platform-SqlInstanceCmek": projects/103627363763 is governed without iam.managed.allowedPolicyMembers. Fix: set every catalogue constraint on every scope (OrgGuardrails does)',
  },
];
