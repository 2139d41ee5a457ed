import { PolicyResource } from "@pulumi/policy";

/** Readers of Kubernetes objects as the engine records them (type `kubernetes:<group>/<version>:<Kind>`). */
export const SYSTEM_NAMESPACES = [
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "default",
  "gke-managed-system",
  "gmp-system",
  "gke-mcs",
  "gke-gmp-system",
];
export const GATEWAY_CLASS = "gke-l7-global-external-managed-mc";

export type Meta = {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};

export function meta(r: PolicyResource): Meta {
  return (r.props.metadata ?? {}) as Meta;
}

export function ofKind(resources: PolicyResource[], kind: string): PolicyResource[] {
  return resources.filter((r) => r.type.startsWith("kubernetes:") && r.type.endsWith(`:${kind}`));
}

/** The cluster an object is deployed to: its provider's URN. */
export function clusterOf(r: PolicyResource): string {
  return r.provider?.urn ?? "(default kubeconfig)";
}

export function isApplicationNamespace(name: string | undefined): boolean {
  return !!name && !SYSTEM_NAMESPACES.includes(name);
}
