import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";
import { cardholderProjects } from "../lib/gcp";
import { isCardholderCluster } from "./gke-active-active";
import { clusterOf, meta, namespacedName, ofKind } from "./k8s";

const DATA_CLASS_LABEL = "qairopay.com/data-class";
/**
 * https://cloud.google.com/kubernetes-engine/docs/concepts/service-load-balancer-parameters: the
 * annotation `networking.gke.io/load-balancer-type: "Internal"` makes an internal passthrough load
 * balancer; `cloud.google.com/load-balancer-type` is its older spelling. Without either, GKE builds
 * an external one.
 */
const INTERNAL_ANNOTATIONS = ["networking.gke.io/load-balancer-type", "cloud.google.com/load-balancer-type"];

interface ServiceSpec {
  type?: string;
  externalIPs?: string[];
  loadBalancerSourceRanges?: string[];
}

/** The Private Service Connect NAT ranges of the cde projects: the only sources the declared path uses. */
function pscNatRanges(resources: PolicyResource[]): string[] {
  const cde = cardholderProjects(resources);
  return resources
    .filter(
      (r) =>
        r.type === "gcp:compute/subnetwork:Subnetwork" &&
        r.props.purpose === "PRIVATE_SERVICE_CONNECT" &&
        cde.has(String(r.props.project)),
    )
    .map((r) => String(r.props.ipCidrRange));
}

/**
 * The names of the cde's clusters: labelled cardholder, or in a project of the cardholder-data
 * environment. Every application namespace there is cardholder-class, whatever label the namespace
 * gives itself: a label is one word of the same pull request.
 */
function cdeClusterNames(resources: PolicyResource[]): Set<string> {
  const cde = cardholderProjects(resources);
  return new Set(
    resources
      .filter(
        (r) =>
          r.type === "gcp:container/cluster:Cluster" &&
          (isCardholderCluster(r) || cde.has(String(r.props.project))),
      )
      .map((r) => String(r.props.name)),
  );
}

/**
 * Other ways to a load balancer than a Service: an Ingress (GKE's Ingress controller builds an
 * external Application Load Balancer unless the class says otherwise), a Gateway and the routes
 * that attach a namespace's Services to one (https://cloud.google.com/kubernetes-engine/docs/concepts/gateway-api),
 * and a ReferenceGrant that lets routes of other namespaces reach its Services.
 */
const OTHER_ENTRY_KINDS = [
  "networking.k8s.io/v1:Ingress",
  "networking.k8s.io/v1beta1:Ingress",
  "gateway.networking.k8s.io/v1:Gateway",
  "gateway.networking.k8s.io/v1beta1:Gateway",
  "gateway.networking.k8s.io/v1:HTTPRoute",
  "gateway.networking.k8s.io/v1beta1:HTTPRoute",
  "gateway.networking.k8s.io/v1:GRPCRoute",
  "gateway.networking.k8s.io/v1alpha2:TCPRoute",
  "gateway.networking.k8s.io/v1alpha2:TLSRoute",
  "gateway.networking.k8s.io/v1alpha2:UDPRoute",
  "gateway.networking.k8s.io/v1beta1:ReferenceGrant",
  "gateway.networking.k8s.io/v1:ReferenceGrant",
].map((t) => `kubernetes:${t}`);

export const k8sCardholderServicePrivate = stackPolicy(
  {
    name: "k8s-cardholder-service-private",
    description:
      "A Service of a cardholder-class namespace (labelled so, or any namespace of a cde cluster, default and system ones included) is reachable only through the declared Private Service Connect path, and no Ingress, Gateway, route or ReferenceGrant opens another: no NodePort, no external IP, and a LoadBalancer only if internal, open to the attachment's NAT range alone and published by a ServiceAttachment.",
    controls: ["NET-09"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Give cardholder-class Services type ClusterIP; publish a workload only through PrivateServicePath (components/privateServicePath.ts), whose internal LoadBalancer admits the PSC NAT range and is the resourceRef of its ServiceAttachment.",
  },
  (resources) => {
    const findings: Finding[] = [];
    const cardholderNamespaces = new Set(
      ofKind(resources, "Namespace")
        .filter((n) => meta(n).labels?.[DATA_CLASS_LABEL] === "cardholder")
        .map((n) => meta(n).name),
    );
    const cdeClusters = cdeClusterNames(resources);
    // The cluster an object lands on: its provider's `cluster` (as k8s-cardholder-segmentation reads it).
    // On a cde cluster every namespace is judged, `default` and the system ones included (an object
    // with no namespace lands in `default`): a load balancer there reaches the cluster's nodes and
    // pods as well as one in card-vault's namespace. The platform declares no Service, Ingress or
    // route in them; GKE's own system Services are not in the plan.
    const isCardholder = (r: PolicyResource) =>
      cardholderNamespaces.has(meta(r).namespace) || cdeClusters.has(String(r.provider?.props.cluster));
    for (const r of resources.filter((x) => OTHER_ENTRY_KINDS.includes(x.type) && isCardholder(x))) {
      const kind = r.type.split(":").pop();
      findings.push({
        urn: r.urn,
        problem: `${kind} ${namespacedName(r)} in a cardholder-class namespace opens a load balancer or route of another kind, a path around the declared Private Service Connect attachment`,
        fix: "remove it: cardholder-class workloads are published only through PrivateServicePath's ServiceAttachment",
      });
    }
    const natRanges = pscNatRanges(resources);
    const attachments = ofKind(resources, "ServiceAttachment");
    for (const s of ofKind(resources, "Service").filter(isCardholder)) {
      const m = meta(s);
      const spec = (s.props.spec ?? {}) as ServiceSpec;
      const what = `Service ${namespacedName(s)}`;
      const add = (problem: string, fix: string) => findings.push({ urn: s.urn, problem, fix });
      if (spec.type === "NodePort")
        add(
          `${what} is a NodePort: every node of the cluster takes its traffic, a path around the declared Private Service Connect attachment`,
          "make it ClusterIP, or publish the workload through PrivateServicePath",
        );
      if ((spec.externalIPs ?? []).length)
        add(
          `${what} answers on externalIPs ${spec.externalIPs?.join(", ")}, a path around the declared Private Service Connect attachment`,
          "remove spec.externalIPs",
        );
      if (spec.type !== "LoadBalancer") continue;
      if (!INTERNAL_ANNOTATIONS.some((a) => m.annotations?.[a] === "Internal"))
        add(
          `${what} is a LoadBalancer without networking.gke.io/load-balancer-type: "Internal": GKE gives it an external address`,
          'annotate it networking.gke.io/load-balancer-type: "Internal"',
        );
      const sources = spec.loadBalancerSourceRanges ?? [];
      const stray = sources.filter((r) => !natRanges.includes(r));
      if (!sources.length || stray.length)
        add(
          `${what} admits ${sources.length ? stray.join(", ") : "every source (no loadBalancerSourceRanges)"}, not only the Private Service Connect NAT range (${natRanges.join(", ") || "none declared"})`,
          "set loadBalancerSourceRanges to the attachment's NAT subnet range",
        );
      const published = attachments.some(
        (a) =>
          meta(a).namespace === m.namespace &&
          clusterOf(a) === clusterOf(s) &&
          (a.props.spec as { resourceRef?: { name?: string } } | undefined)?.resourceRef?.name === m.name,
      );
      if (!published)
        add(
          `${what} is a load balancer no ServiceAttachment publishes: a second path beside the declared one`,
          "remove it, or publish it through PrivateServicePath's ServiceAttachment",
        );
    }
    return findings;
  },
);
