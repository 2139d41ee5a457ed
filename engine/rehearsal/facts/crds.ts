/**
 * Where the API groups of the Kubernetes objects the platform applies come from on GKE.
 * Built-in groups are served by every cluster; the others exist only once something installs
 * their CRDs.
 */
export type CrdSource =
  | { kind: "built-in" }
  /** GKE installs the Gateway API and its policy CRDs when `gatewayApiConfig.channel` is set
   * (https://cloud.google.com/kubernetes-engine/docs/how-to/deploying-gateways#enable-gateway). */
  | { kind: "gke-gateway-api" }
  /** The fleet feature installs the CRDs into every member cluster
   * (https://cloud.google.com/kubernetes-engine/docs/how-to/multi-cluster-services). */
  | { kind: "fleet-feature"; feature: string };

const BUILT_IN = [
  "core",
  "apps",
  "batch",
  "policy",
  "autoscaling",
  "networking.k8s.io",
  "rbac.authorization.k8s.io",
  "storage.k8s.io",
  "scheduling.k8s.io",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
  "node.k8s.io",
  "certificates.k8s.io",
];

export const CRD_SOURCES: Record<string, CrdSource> = {
  ...Object.fromEntries(BUILT_IN.map((g) => [g, { kind: "built-in" } as CrdSource])),
  "gateway.networking.k8s.io": { kind: "gke-gateway-api" },
  // GCPBackendPolicy, HealthCheckPolicy, GCPGatewayPolicy ship with GKE's Gateway controller.
  "networking.gke.io": { kind: "gke-gateway-api" },
  "net.gke.io": { kind: "fleet-feature", feature: "multiclusterservicediscovery" },
};

/** `kubernetes:<group>/<version>:<Kind>` → the API group. */
export function apiGroupOf(type: string): string | undefined {
  const m = /^kubernetes:([^/]+)\/[^:]+:/.exec(type);
  return m?.[1];
}
