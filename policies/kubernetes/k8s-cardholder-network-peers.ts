import { PolicyResource } from "@pulumi/policy";
import * as ipaddr from "ipaddr.js";
import { Finding, stackPolicy } from "../lib/define";
import { cardholderProjects } from "../lib/gcp";
import { isCardholderCluster } from "./gke-active-active";
import { gkeClusterOf } from "./k8s-cardholder-segmentation";
import { isApplicationNamespace, meta, ofKind } from "./k8s";

const SUBNETWORK = "gcp:compute/subnetwork:Subnetwork";
const CLUSTER = "gcp:container/cluster:Cluster";
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
type Peer = { ipBlock?: { cidr?: string }; namespaceSelector?: Selector; podSelector?: Selector };
type Spec = { ingress?: { from?: Peer[] }[]; egress?: { to?: Peer[] }[] };

function within(cidr: string, ranges: string[]): boolean {
  try {
    const [ip, bits] = ipaddr.IPv4.parseCIDR(cidr);
    return ranges.some((r) => {
      const [net, netBits] = ipaddr.IPv4.parseCIDR(r);
      return bits >= netBits && ip.match(net, netBits);
    });
  } catch {
    return false; // IPv6 or unparsable: not one of the declared IPv4 ranges
  }
}

const labelled = (s: Selector | undefined) => !!s && Object.keys(s.matchLabels ?? {}).length > 0;

/** Why an ingress peer is not one of the declared callers, or undefined. */
function strangeSource(peer: Peer, callers: string[]): string | undefined {
  if (peer.namespaceSelector || peer.podSelector)
    return `pods chosen by selector (${JSON.stringify({ namespaceSelector: peer.namespaceSelector, podSelector: peer.podSelector })})`;
  const cidr = peer.ipBlock?.cidr;
  if (cidr === undefined) return "a peer with no source (every source)";
  return within(cidr, callers) ? undefined : `ipBlock ${cidr}`;
}

/**
 * Why an egress peer reaches pods of other namespaces, or undefined. The one declared peer by
 * selector is cluster DNS: kube-system named by its immutable `kubernetes.io/metadata.name` label
 * (set by the API server on every namespace) and kube-dns pods by label.
 */
function strangeDestination(peer: Peer): string | undefined {
  const ns = peer.namespaceSelector;
  if (!ns) return undefined; // ipBlock (judged by the endpoint and egress policies) or the namespace's own pods
  const named = ns.matchLabels?.[NAMESPACE_NAME_LABEL];
  const exact = !ns.matchExpressions?.length && Object.keys(ns.matchLabels ?? {}).length === 1;
  if (!exact || named === undefined) return `every namespace matching ${JSON.stringify(ns)}`;
  if (isApplicationNamespace(named)) return `namespace ${named}, an application namespace`;
  if (!labelled(peer.podSelector)) return `every pod of ${named}`;
  return undefined;
}

/**
 * The cardholder namespaces take traffic only from the one declared path (NET-09): the Private
 * Service Connect NAT ranges of the cde project, whose published service is the ledger's way in.
 * A NetworkPolicy allows the union of its rules, so an allow-all policy beside default-deny
 * re-opens the namespace (K8S-02); every policy in a cardholder namespace is therefore judged.
 */
export const k8sCardholderNetworkPeers = stackPolicy(
  {
    name: "k8s-cardholder-network-peers",
    description:
      "In cardholder namespaces and on cde clusters, NetworkPolicies admit only the cde project's Private Service Connect NAT ranges, never every source, a wider block or pods by selector, and send to other namespaces' pods only for cluster DNS.",
    controls: ["NET-09", "K8S-02"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Keep KubernetesBaseline's allow-gateway-ingress (ipBlock of the Private Service Connect NAT range) as the only ingress rule, and allow-dns-and-metadata's kube-system/kube-dns peer as the only egress by selector; delete any other rule.",
  },
  (resources) => {
    const findings: Finding[] = [];
    const cde = cardholderProjects(resources);
    const callers = resources
      .filter(
        (r) =>
          r.type === SUBNETWORK &&
          r.props.purpose === "PRIVATE_SERVICE_CONNECT" &&
          cde.has(String(r.props.project)),
      )
      .map((r) => String(r.props.ipCidrRange));
    const clusters = resources.filter((r) => r.type === CLUSTER);
    const cardholderNamespaces = new Set(
      ofKind(resources, "Namespace")
        .filter((n) => meta(n).labels?.["qairopay.com/data-class"] === "cardholder")
        .map((n) => meta(n).name),
    );
    const inScope = (p: PolicyResource) => {
      const cluster = gkeClusterOf(p, clusters);
      return cardholderNamespaces.has(meta(p).namespace) || (!!cluster && isCardholderCluster(cluster));
    };

    // A server-side-apply NetworkPolicyPatch changes a live policy's rules as a NetworkPolicy does.
    const policies = [...ofKind(resources, "NetworkPolicy"), ...ofKind(resources, "NetworkPolicyPatch")];
    for (const p of policies.filter(inScope)) {
      const spec = (p.props.spec ?? {}) as Spec;
      const what = `NetworkPolicy ${String(meta(p).namespace ?? "default")}/${String(meta(p).name)}`;
      const sources = (spec.ingress ?? []).flatMap((rule) =>
        rule.from?.length
          ? rule.from.map((peer) => strangeSource(peer, callers))
          : ["every source (no from)"],
      );
      const strangers = sources.filter((s): s is string => s !== undefined);
      if (strangers.length > 0)
        findings.push({
          urn: p.urn,
          problem: `${what} admits ${strangers.join(", ")} into the cardholder-data environment, not only the Private Service Connect NAT ranges [${callers.join(", ")}]`,
          fix: "admit only an ipBlock within the cde project's Private Service Connect NAT range (allow-gateway-ingress)",
        });
      const destinations = (spec.egress ?? []).flatMap((rule) =>
        rule.to?.length ? rule.to.map(strangeDestination) : ["every destination (no to)"],
      );
      const open = destinations.filter((s): s is string => s !== undefined);
      if (open.length > 0)
        findings.push({
          urn: p.urn,
          problem: `${what} lets cardholder pods send to ${open.join(", ")}`,
          fix: "send by selector only to kube-system's kube-dns pods; reach anything else by its ipBlock (allow-datastores)",
        });
    }
    return findings;
  },
);
