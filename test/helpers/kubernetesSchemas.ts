/* eslint-disable @typescript-eslint/no-require-imports */
import { CapturedResource } from "../../engine/model";

type Validating = { validate(): void };
type ModelClass = new (data: unknown) => Validating;

/** OpenAPI models of the Kubernetes and Gateway API kinds the program registers. */
const MODELS: Record<string, () => ModelClass> = {
  "v1/Namespace": () => require("kubernetes-models/v1").Namespace,
  "v1/ServiceAccount": () => require("kubernetes-models/v1").ServiceAccount,
  "v1/Service": () => require("kubernetes-models/v1").Service,
  "v1/ResourceQuota": () => require("kubernetes-models/v1").ResourceQuota,
  "v1/LimitRange": () => require("kubernetes-models/v1").LimitRange,
  "v1/ConfigMap": () => require("kubernetes-models/v1").ConfigMap,
  "batch/v1/Job": () => require("kubernetes-models/batch/v1").Job,
  "networking.k8s.io/v1/NetworkPolicy": () => require("kubernetes-models/networking.k8s.io/v1").NetworkPolicy,
  "gateway.networking.k8s.io/v1/Gateway": () =>
    require("@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1").Gateway,
  "gateway.networking.k8s.io/v1/HTTPRoute": () =>
    require("@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1").HTTPRoute,
  "gateway.networking.k8s.io/v1beta1/ReferenceGrant": () =>
    require("@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1beta1").ReferenceGrant,
};

/**
 * GKE's own custom resources have no published schema package; these are their documented
 * fields (https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources,
 * .../multi-cluster-services). Unknown fields are errors, as the API server's pruning would drop them.
 */
const GKE_FIELDS: Record<string, { spec: string[]; defaults?: string[]; targetKinds?: string[] }> = {
  "net.gke.io/v1/ServiceExport": { spec: [] },
  "networking.gke.io/v1/GCPBackendPolicy": {
    spec: ["default", "targetRef"],
    defaults: [
      "securityPolicy",
      "logging",
      "timeoutSec",
      "connectionDraining",
      "sessionAffinity",
      "iap",
      "maxRatePerEndpoint",
    ],
    targetKinds: ["Service", "ServiceImport"],
  },
  "networking.gke.io/v1/HealthCheckPolicy": {
    spec: ["default", "targetRef"],
    defaults: [
      "config",
      "checkIntervalSec",
      "timeoutSec",
      "healthyThreshold",
      "unhealthyThreshold",
      "logConfig",
    ],
    targetKinds: ["Service", "ServiceImport"],
  },
  "networking.gke.io/v1/GCPGatewayPolicy": {
    spec: ["default", "targetRef"],
    defaults: ["sslPolicy", "allowGlobalAccess", "region"],
    targetKinds: ["Gateway"],
  },
  // https://cloud.google.com/kubernetes-engine/docs/how-to/private-service-connect
  "networking.gke.io/v1/ServiceAttachment": {
    spec: [
      "connectionPreference",
      "natSubnets",
      "proxyProtocol",
      "resourceRef",
      "consumerAllowList",
      "consumerRejectList",
    ],
  },
};

export function kubernetesKey(r: CapturedResource): string {
  return `${String(r.inputs.apiVersion)}/${String(r.inputs.kind)}`;
}

/** Validates one registered Kubernetes object; returns the problems found. */
export function validateKubernetesObject(r: CapturedResource): string[] {
  const key = kubernetesKey(r);
  const object = {
    apiVersion: r.inputs.apiVersion,
    kind: r.inputs.kind,
    metadata: r.inputs.metadata,
    ...(r.inputs.spec ? { spec: r.inputs.spec } : {}),
    ...rest(r.inputs),
  };
  const model = MODELS[key];
  if (model) {
    try {
      new (model())(object).validate();
      return [];
    } catch (err) {
      return [`${key} ${r.name}: ${(err as Error).message}`];
    }
  }
  const gke = GKE_FIELDS[key];
  if (!gke) return [`${key} ${r.name}: no schema known for this kind`];
  const problems: string[] = [];
  const spec = (r.inputs.spec ?? {}) as Record<string, unknown>;
  for (const field of Object.keys(spec).filter((f) => !gke.spec.includes(f)))
    problems.push(`${key} ${r.name}: unknown spec.${field}`);
  const defaults = (spec.default ?? {}) as Record<string, unknown>;
  for (const field of Object.keys(defaults).filter((f) => !(gke.defaults ?? []).includes(f)))
    problems.push(`${key} ${r.name}: unknown spec.default.${field}`);
  const target = spec.targetRef as { group?: string; kind?: string; name?: string } | undefined;
  if (gke.targetKinds && (!target?.name || !gke.targetKinds.includes(String(target.kind)))) {
    problems.push(`${key} ${r.name}: targetRef must name a ${gke.targetKinds.join(" or ")}`);
  }
  return problems;
}

/** Top-level fields other than the usual four (e.g. ServiceAccount.automountServiceAccountToken). */
function rest(inputs: Record<string, unknown>): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, metadata: _m, spec: _s, ...others } = inputs;
  return others;
}
