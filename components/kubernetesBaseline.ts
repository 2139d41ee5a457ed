import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../platform/config/regions";
import { GOOGLE_LB_RANGES, RESTRICTED_GOOGLE_APIS_RANGE } from "./network";
import { GATEWAY_NAMESPACE, METADATA_SERVER, regionalServiceName, WorkloadSpec } from "./workloads";

/** Pod Security Admission labels: `restricted` enforced, audited and warned (K8S-01). */
export const PSA_RESTRICTED = {
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/enforce-version": "latest",
  "pod-security.kubernetes.io/audit": "restricted",
  "pod-security.kubernetes.io/audit-version": "latest",
  "pod-security.kubernetes.io/warn": "restricted",
  "pod-security.kubernetes.io/warn-version": "latest",
};

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
   * What the ServiceExports wait for: the fleet's multi-cluster Services feature and the time
   * its CRDs take to reach the clusters (FleetFeatures.multiClusterServicesReady).
   */
  multiClusterServicesReady: pulumi.Input<pulumi.Resource>;
}

/**
 * The baseline every workload lands on, in one cluster: a namespace per workload (and the
 * Gateway's) enforcing Pod Security `restricted`; default-deny ingress and egress NetworkPolicies
 * with explicit allows for DNS and the metadata server, Google APIs, the Gateway's front ends, and
 * the workload's own Cloud SQL and Memorystore ranges (K8S-02); one Kubernetes service account per
 * workload, bound through Workload Identity to its Google service account (K8S-03); quotas and
 * limit ranges; and the workload's per-region Service, exported to the fleet.
 */
export class KubernetesBaseline extends pulumi.ComponentResource {
  constructor(name: string, args: KubernetesBaselineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:k8s:KubernetesBaseline", name, {}, opts);
    const k = { parent: this, provider: args.provider };

    const namespaceWithPolicies = (ns: string, extra: Record<string, string> = {}) => {
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
            egress: [
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
                // The GKE metadata server answers Workload Identity token requests (and DNS with Cloud DNS).
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
            ],
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
    };

    namespaceWithPolicies(GATEWAY_NAMESPACE, { "qairopay.com/role": "gateway" });

    for (const w of args.workloads) {
      const inNs = namespaceWithPolicies(w.name, { "qairopay.com/data-class": w.dataClass });
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
          spec: {
            podSelector: { matchLabels: { app: w.name } },
            policyTypes: ["Ingress"],
            ingress: [
              {
                from: GOOGLE_LB_RANGES.map((cidr) => ({ ipBlock: { cidr } })),
                ports: [{ protocol: "TCP", port: w.port }],
              },
            ],
          },
        },
        inNs,
      );
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${w.name}-allow-datastores`,
        {
          metadata: { name: "allow-datastores", namespace: w.name },
          spec: {
            podSelector: { matchLabels: { app: w.name } },
            policyTypes: ["Egress"],
            egress: w.egress.map((e) => ({
              to: [{ ipBlock: { cidr: args.privateServiceAccess[e.network] } }],
              ports: e.ports.map((port) => ({ protocol: "TCP", port })),
            })),
          },
        },
        inNs,
      );
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
    this.registerOutputs({});
  }
}
