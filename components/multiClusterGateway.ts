import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../vocabulary/regions";
import { GATEWAY_NAMESPACE, regionalServiceName, regionWeights, WorkloadSpec } from "../catalogue/workloads";

export const GATEWAY_CLASS = "gke-l7-global-external-managed-mc";
export const GATEWAY_NAME = "external";

export interface MultiClusterGatewayArgs {
  /** Provider of the fleet's configuration cluster. */
  provider: k8s.Provider;
  regions: readonly Region[];
  /** Region whose weight is zero (drill or incident); none when absent. */
  drainedRegion?: Region;
  /** The workloads it routes to (`gatewayWorkloads()`), never a cardholder-class one. */
  workloads: (WorkloadSpec & { pathPrefix: string })[];
  domain: string;
  /** Names of the Google-side pieces (GatewayEdge). */
  addressName: pulumi.Input<string>;
  certificateMapName: pulumi.Input<string>;
  sslPolicyName: pulumi.Input<string>;
  securityPolicyName: pulumi.Input<string>;
}

/**
 * The public entry point (RES-01, ENC-07, NET-05): one multi-cluster Gateway of class
 * `gke-l7-global-external-managed-mc` in the configuration cluster, HTTPS only (plain HTTP is
 * redirected), a Google-managed certificate, the TLS policy, and Cloud Armor and HTTPS health
 * checks on every backend. An HTTPRoute sends each workload's traffic to its per-region
 * ServiceImports; draining a region sets its weight to zero and changes nothing else.
 */
export class MultiClusterGateway extends pulumi.ComponentResource {
  public readonly weights: Record<string, number>;

  constructor(name: string, args: MultiClusterGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:gateway:MultiClusterGateway", name, {}, opts);
    const k = { parent: this, provider: args.provider };
    const weights = regionWeights(args.regions, args.drainedRegion);
    const gatewayRef = { group: "gateway.networking.k8s.io", kind: "Gateway", name: GATEWAY_NAME };

    new k8s.apiextensions.CustomResource(`${name}-gateway`, gatewayArgs(args), k);
    new k8s.apiextensions.CustomResource(
      `${name}-tls-policy`,
      {
        apiVersion: "networking.gke.io/v1",
        kind: "GCPGatewayPolicy",
        metadata: { name: "tls", namespace: GATEWAY_NAMESPACE },
        spec: { default: { sslPolicy: args.sslPolicyName }, targetRef: gatewayRef },
      },
      k,
    );
    new k8s.apiextensions.CustomResource(
      `${name}-redirect`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: "https-redirect", namespace: GATEWAY_NAMESPACE },
        spec: {
          parentRefs: [{ name: GATEWAY_NAME, sectionName: "http" }],
          hostnames: [args.domain],
          rules: [
            { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
          ],
        },
      },
      k,
    );
    new k8s.apiextensions.CustomResource(`${name}-routes`, apiRoutesArgs(args, weights), k);
    for (const w of args.workloads) workloadBackends(name, w, args, k);
    this.weights = weights;
    this.registerOutputs({ weights });
  }
}

/** The Gateway: the named address, the certificate map, HTTPS and HTTP listeners for the domain. */
export function gatewayArgs(
  args: Pick<MultiClusterGatewayArgs, "certificateMapName" | "addressName" | "domain">,
): k8s.apiextensions.CustomResourceArgs {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: {
      name: GATEWAY_NAME,
      namespace: GATEWAY_NAMESPACE,
      annotations: { "networking.gke.io/certmap": args.certificateMapName },
    },
    spec: {
      gatewayClassName: GATEWAY_CLASS,
      addresses: [{ type: "NamedAddress", value: args.addressName }],
      listeners: [
        {
          name: "https",
          protocol: "HTTPS",
          port: 443,
          hostname: args.domain,
          allowedRoutes: { namespaces: { from: "Same" } },
        },
        {
          name: "http",
          protocol: "HTTP",
          port: 80,
          hostname: args.domain,
          allowedRoutes: { namespaces: { from: "Same" } },
        },
      ],
    },
  };
}

/** The API's route: each workload's path prefix to its ServiceImport in every region, weighted (a drained region weighs 0). */
export function apiRoutesArgs(
  args: Pick<MultiClusterGatewayArgs, "domain" | "workloads" | "regions">,
  weights: Record<string, number>,
): k8s.apiextensions.CustomResourceArgs {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: "api", namespace: GATEWAY_NAMESPACE },
    spec: {
      parentRefs: [{ name: GATEWAY_NAME, sectionName: "https" }],
      hostnames: [args.domain],
      rules: args.workloads.map((w) => ({
        matches: [{ path: { type: "PathPrefix", value: w.pathPrefix } }],
        backendRefs: args.regions.map((region) => ({
          group: "net.gke.io",
          kind: "ServiceImport",
          name: regionalServiceName(w.name, region),
          namespace: w.name,
          port: 443,
          weight: weights[region],
        })),
      })),
    },
  };
}

/** What the Gateway may route to in one workload's namespace: the reference grant, and per region its backend (Cloud Armor, logging) and health check policies. */
function workloadBackends(
  name: string,
  w: MultiClusterGatewayArgs["workloads"][number],
  args: MultiClusterGatewayArgs,
  k: { parent: pulumi.Resource; provider: k8s.Provider },
): void {
  new k8s.apiextensions.CustomResource(
    `${name}-${w.name}-reference-grant`,
    {
      apiVersion: "gateway.networking.k8s.io/v1beta1",
      kind: "ReferenceGrant",
      metadata: { name: "from-gateway-routes", namespace: w.name },
      spec: {
        from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: GATEWAY_NAMESPACE }],
        to: [{ group: "net.gke.io", kind: "ServiceImport" }],
      },
    },
    k,
  );
  for (const region of args.regions) {
    const target = {
      group: "net.gke.io",
      kind: "ServiceImport",
      name: regionalServiceName(w.name, region),
    };
    new k8s.apiextensions.CustomResource(
      `${name}-${w.name}-${region}-backend-policy`,
      {
        apiVersion: "networking.gke.io/v1",
        kind: "GCPBackendPolicy",
        metadata: { name: target.name, namespace: w.name },
        spec: {
          default: {
            securityPolicy: args.securityPolicyName,
            logging: { enabled: true, sampleRate: 1000000 },
          },
          targetRef: target,
        },
      },
      k,
    );
    new k8s.apiextensions.CustomResource(
      `${name}-${w.name}-${region}-health-check`,
      {
        apiVersion: "networking.gke.io/v1",
        kind: "HealthCheckPolicy",
        metadata: { name: target.name, namespace: w.name },
        spec: {
          default: {
            config: { type: "HTTPS", httpsHealthCheck: { port: w.port, requestPath: "/healthz" } },
          },
          targetRef: target,
        },
      },
      k,
    );
  }
}
