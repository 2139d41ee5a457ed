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

/**
 * `namespace/name` of a namespaced object as the Kubernetes provider applies it. Provider argument
 * `namespace` (@pulumi/kubernetes provider.d.ts): "the precedence is as follows: 1.
 * `.metadata.namespace` set on the resource. 2. This `namespace` parameter. 3. `namespace` set for
 * the active context in the kubeconfig" — the platform's kubeconfigs set none, so `default`.
 */
export function namespacedName(r: PolicyResource): string {
  const m = meta(r);
  const namespace = m.namespace ?? (r.provider?.props.namespace as string | undefined) ?? "default";
  return `${namespace}/${String(m.name)}`;
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
