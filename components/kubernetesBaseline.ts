import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../vocabulary/regions";
import { GOOGLE_LB_RANGES, RESTRICTED_GOOGLE_APIS_RANGE } from "./network";
import {
  GATEWAY_NAMESPACE,
  METADATA_SERVER,
  PRIVATE_SERVICE_PORT,
  regionalServiceName,
  WorkloadSpec,
  WORKLOADS,
} from "../catalogue/workloads";

/** Pod Security Admission labels: `restricted` enforced, audited and warned (K8S-01). */
export const PSA_RESTRICTED = {
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/enforce-version": "latest",
  "pod-security.kubernetes.io/audit": "restricted",
  "pod-security.kubernetes.io/audit-version": "latest",
  "pod-security.kubernetes.io/warn": "restricted",
  "pod-security.kubernetes.io/warn-version": "latest",
};

/**
 * What every pod may reach: the cluster's DNS, the GKE metadata server (Workload Identity token
 * requests, and DNS with Cloud DNS), and Google APIs through the restricted VIP.
 */
export const BASE_EGRESS = [
  {
    to: [
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
        podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
      },
    ],
    ports: [
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ],
  },
  {
    to: [{ ipBlock: { cidr: METADATA_SERVER } }],
    ports: [
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
      { protocol: "TCP", port: 80 },
      { protocol: "TCP", port: 988 },
    ],
  },
  {
    to: [{ ipBlock: { cidr: RESTRICTED_GOOGLE_APIS_RANGE } }],
    ports: [{ protocol: "TCP", port: 443 }],
  },
];

export const NAMESPACE_QUOTA = {
  "requests.cpu": "64",
  "requests.memory": "256Gi",
  "limits.cpu": "64",
  "limits.memory": "256Gi",
  pods: "200",
};
export const CONTAINER_DEFAULTS = { cpu: "500m", memory: "1Gi" };

export interface BaselineWorkload extends WorkloadSpec {
  /** E-mail of the workload's Google service account (Workload Identity, K8S-03). */
  googleServiceAccount: pulumi.Input<string>;
}

export interface KubernetesBaselineArgs {
  provider: k8s.Provider;
  region: Region;
  workloads: BaselineWorkload[];
  /** Private-service-access range of each network, for the workloads' datastore egress. */
  privateServiceAccess: Record<"platform" | "cde", string>;
  /**
   * What the ServiceExports of Gateway-exposed workloads wait for: the fleet's multi-cluster
   * Services feature and the time its CRDs take to reach the clusters
   * (FleetFeatures.multiClusterServicesReady). Required when a workload is exposed by the Gateway.
   */
  multiClusterServicesReady?: pulumi.Input<pulumi.Resource>;
  /**
   * Private Service Connect: for a workload published from this cluster, the NAT range its
   * callers arrive from; for a workload called from this cluster, its endpoint address here.
   */
  privateServiceConnect?: { natRange?: string; endpoints?: Record<string, pulumi.Input<string>> };
  /** Whether the cluster hosts the Gateway's namespace (the fleet's clusters do; the cde's do not). @default true */
  hostsGateway?: boolean;
}

/**
 * The baseline every workload lands on, in one cluster: a namespace per workload (and the
 * Gateway's) enforcing Pod Security `restricted`; default-deny ingress and egress NetworkPolicies
 * (in the `default` namespace too)
 * with explicit allows for DNS and the metadata server, Google APIs, the Gateway's front ends, and
 * the workload's own Cloud SQL and Memorystore ranges (K8S-02); one Kubernetes service account per
 * workload, bound through Workload Identity to its Google service account (K8S-03); quotas and
 * limit ranges; and the workload's per-region Service, exported to the fleet.
 */
export class KubernetesBaseline extends pulumi.ComponentResource {
  constructor(name: string, args: KubernetesBaselineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:k8s:KubernetesBaseline", name, {}, opts);
    const k = { parent: this, provider: args.provider };
    if (args.hostsGateway ?? true)
      namespaceWithPolicies(name, GATEWAY_NAMESPACE, { "qairopay.com/role": "gateway" }, k);
    // The `default` namespace exists in every cluster and takes whatever is deployed without one:
    // it denies all traffic too, so a stray pod there reaches neither the private services nor the
    // Private Service Connect endpoint (K8S-02, NET-09).
    new k8s.networking.v1.NetworkPolicy(
      `${name}-default-ns-default-deny`,
      {
        metadata: { name: "default-deny-all", namespace: "default" },
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
      },
      k,
    );
    for (const w of args.workloads) workloadBaseline(name, w, args, k);
    this.registerOutputs({});
  }
}

type KubernetesChild = { parent: pulumi.Resource; provider: k8s.Provider };
type InNamespace = KubernetesChild & { dependsOn: pulumi.Resource[] };

/** A namespace enforcing Pod Security `restricted`, denying all traffic but DNS and the metadata server, with quota and container defaults. */
function namespaceWithPolicies(
  name: string,
  ns: string,
  extra: Record<string, string>,
  k: KubernetesChild,
): InNamespace {
  const namespace = new k8s.core.v1.Namespace(
    `${name}-${ns}`,
    {
      metadata: {
        name: ns,
        labels: { ...PSA_RESTRICTED, "qairopay.com/managed-by": "pulumi", ...extra },
      },
    },
    k,
  );
  const inNs = { ...k, dependsOn: [namespace] };
  new k8s.networking.v1.NetworkPolicy(
    `${name}-${ns}-default-deny`,
    {
      metadata: { name: "default-deny-all", namespace: ns },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    },
    inNs,
  );
  new k8s.networking.v1.NetworkPolicy(
    `${name}-${ns}-allow-dns`,
    {
      metadata: { name: "allow-dns-and-metadata", namespace: ns },
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: BASE_EGRESS,
      },
    },
    inNs,
  );
  new k8s.core.v1.ResourceQuota(
    `${name}-${ns}-quota`,
    { metadata: { name: "quota", namespace: ns }, spec: { hard: NAMESPACE_QUOTA } },
    inNs,
  );
  new k8s.core.v1.LimitRange(
    `${name}-${ns}-limits`,
    {
      metadata: { name: "container-defaults", namespace: ns },
      spec: {
        limits: [{ type: "Container", default: CONTAINER_DEFAULTS, defaultRequest: CONTAINER_DEFAULTS }],
      },
    },
    inNs,
  );
  return inNs;
}

/**
 * One workload's namespace and account (Workload Identity, K8S-03), its ingress from its callers
 * and egress to its datastores and Private Service Connect endpoints (K8S-02), and, for a workload
 * behind the Gateway, its regional Service exported to the fleet.
 */
function workloadBaseline(
  name: string,
  w: BaselineWorkload,
  args: KubernetesBaselineArgs,
  k: KubernetesChild,
): void {
  const psc = args.privateServiceConnect ?? {};
  const inNs = namespaceWithPolicies(name, w.name, { "qairopay.com/data-class": w.dataClass }, k);
  new k8s.core.v1.ServiceAccount(
    `${name}-${w.name}-ksa`,
    {
      metadata: {
        name: w.name,
        namespace: w.name,
        annotations: { "iam.gke.io/gcp-service-account": w.googleServiceAccount },
      },
      automountServiceAccountToken: false,
    },
    inNs,
  );
  new k8s.networking.v1.NetworkPolicy(
    `${name}-${w.name}-allow-gateway`,
    {
      metadata: { name: "allow-gateway-ingress", namespace: w.name },
      spec: workloadIngress(w, psc.natRange),
    },
    inNs,
  );
  new k8s.networking.v1.NetworkPolicy(
    `${name}-${w.name}-allow-datastores`,
    {
      metadata: { name: "allow-datastores", namespace: w.name },
      spec: workloadEgress(w, args.privateServiceAccess, psc.endpoints),
    },
    inNs,
  );
  // A Private Service Connect workload's Service comes with its path (PrivateServicePath).
  if (w.exposure.kind !== "gateway") return;
  if (!args.multiClusterServicesReady)
    throw new Error(`${w.name} is exposed by the Gateway but the cluster has no multi-cluster Services`);
  const serviceName = regionalServiceName(w.name, args.region);
  new k8s.core.v1.Service(
    `${name}-${w.name}-service`,
    {
      metadata: { name: serviceName, namespace: w.name, labels: { app: w.name } },
      spec: {
        selector: { app: w.name },
        // appProtocol tells the Gateway's load balancer to speak TLS to the pods, as its health
        // check does (https://cloud.google.com/kubernetes-engine/docs/how-to/secure-gateway#load-balancer-tls):
        // without it the backend protocol is HTTP to a TLS port.
        ports: [{ name: "https", port: 443, targetPort: w.port, protocol: "TCP", appProtocol: "HTTPS" }],
      },
    },
    inNs,
  );
  new k8s.apiextensions.CustomResource(
    `${name}-${w.name}-export`,
    {
      apiVersion: "net.gke.io/v1",
      kind: "ServiceExport",
      metadata: { name: serviceName, namespace: w.name },
    },
    { ...inNs, dependsOn: [...inNs.dependsOn, args.multiClusterServicesReady] },
  );
}

/**
 * Who may call a workload: Gateway front ends and health checks come from Google's load-balancer
 * ranges. A workload published through Private Service Connect takes only its NAT range: its
 * passthrough load balancer's health checks go to the node (externalTrafficPolicy Local), not to
 * the pod.
 */
export function workloadIngress(
  w: Pick<WorkloadSpec, "name" | "exposure" | "port">,
  natRange: string | undefined,
): k8s.types.input.networking.v1.NetworkPolicySpec {
  if (w.exposure.kind === "private-service-connect" && !natRange)
    throw new Error(`${w.name} is published through Private Service Connect but no NAT range was given`);
  const callers = w.exposure.kind === "gateway" ? GOOGLE_LB_RANGES : [natRange as string];
  return {
    podSelector: { matchLabels: { app: w.name } },
    policyTypes: ["Ingress"],
    ingress: [
      {
        from: callers.map((cidr) => ({ ipBlock: { cidr } })),
        ports: [{ protocol: "TCP", port: w.port }],
      },
    ],
  };
}

/** What a workload may reach: its datastores' private-service-access ranges, and the endpoints of the Private Service Connect workloads it calls. */
export function workloadEgress(
  w: Pick<WorkloadSpec, "name" | "egress">,
  privateServiceAccess: KubernetesBaselineArgs["privateServiceAccess"],
  endpoints: Record<string, pulumi.Input<string>> = {},
): k8s.types.input.networking.v1.NetworkPolicySpec {
  const called = WORKLOADS.filter(
    (t) => t.exposure.kind === "private-service-connect" && t.exposure.consumers.includes(w.name),
  );
  const endpointEgress = called.map((t) => {
    const endpoint = endpoints[t.name];
    if (endpoint === undefined) throw new Error(`${w.name} calls ${t.name} but no endpoint was given`);
    return {
      to: [{ ipBlock: { cidr: pulumi.interpolate`${endpoint}/32` } }],
      ports: [{ protocol: "TCP", port: PRIVATE_SERVICE_PORT }],
    };
  });
  return {
    podSelector: { matchLabels: { app: w.name } },
    policyTypes: ["Egress"],
    egress: [
      ...w.egress.map((e) => ({
        to: [{ ipBlock: { cidr: privateServiceAccess[e.network] } }],
        ports: e.ports.map((port) => ({ protocol: "TCP", port })),
      })),
      ...endpointEgress,
    ],
  };
}
