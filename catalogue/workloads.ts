import { DataClass } from "../vocabulary/dataClass";

/**
 * The workloads every cluster hosts, and what each may reach. The Kubernetes baseline, the
 * Gateway and the Workload Identity bindings are all derived from this one list.
 */
export interface WorkloadSpec {
  /** Namespace, Kubernetes service account and Service name. */
  name: string;
  /** Port the pods serve on (behind the Gateway). */
  port: number;
  /**
   * Where it runs and whose Google service account it uses: `platform`, or `cde` for
   * cardholder-class workloads, which run only on the cde project's clusters (NET-09).
   */
  project: "platform" | "cde";
  dataClass: DataClass;
  /** Private-service-access ranges it connects to, by network, and the ports. */
  egress: { network: "platform" | "cde"; ports: number[] }[];
  /**
   * How it is reached: `gateway` (the public multi-cluster Gateway, under `pathPrefix`), or
   * `private-service-connect`: published from the cde VPC to the listed platform workloads only,
   * the one declared path between the two networks (docs/segmentation.md).
   */
  exposure:
    { kind: "gateway"; pathPrefix: string } | { kind: "private-service-connect"; consumers: string[] };
}

/** Cloud SQL (5432, and 3307 for the Cloud SQL connectors) and Memorystore TLS (6378). */
export const WORKLOADS: WorkloadSpec[] = [
  {
    name: "ledger",
    port: 8443,
    project: "platform",
    dataClass: "tenant",
    egress: [{ network: "platform", ports: [5432, 3307, 6378] }],
    exposure: { kind: "gateway", pathPrefix: "/v1/ledger" },
  },
  {
    name: "card-vault",
    port: 8443,
    project: "cde",
    dataClass: "cardholder",
    egress: [{ network: "cde", ports: [5432, 3307] }],
    exposure: { kind: "private-service-connect", consumers: ["ledger"] },
  },
];

/** The workloads that run in one project's clusters. */
export function workloadsIn(project: WorkloadSpec["project"]): WorkloadSpec[] {
  return WORKLOADS.filter((w) => w.project === project);
}

/** The workloads the public Gateway routes to, with their path prefixes. */
export function gatewayWorkloads(): (WorkloadSpec & { pathPrefix: string })[] {
  return WORKLOADS.flatMap((w) =>
    w.exposure.kind === "gateway" ? [{ ...w, pathPrefix: w.exposure.pathPrefix }] : [],
  );
}

/** The port a workload published through Private Service Connect answers on at its endpoint. */
export const PRIVATE_SERVICE_PORT = 443;

/** The Gateway's own namespace: it holds the Gateway and routes, no workload pods. */
export const GATEWAY_NAMESPACE = "gateway";

/** The GKE metadata server (Workload Identity tokens; DNS with Cloud DNS). */
export const METADATA_SERVER = "169.254.169.254/32";

/** The per-region Service a workload is exported as, so the Gateway can weight regions. */
export function regionalServiceName(workload: string, region: string): string {
  return `${workload}-${region}`;
}

/** Route weights by region: equal, or all on the other region when one is drained. */
export function regionWeights(regions: readonly string[], drained?: string): Record<string, number> {
  const serving = regions.filter((r) => r !== drained);
  if (serving.length === 0) throw new Error("draining every region would leave no backend");
  return Object.fromEntries(regions.map((r) => [r, r === drained ? 0 : Math.floor(100 / serving.length)]));
}
