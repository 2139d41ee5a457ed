import { DataClass } from "../platform/config/types";

/**
 * The workloads every cluster hosts, and what each may reach. The Kubernetes baseline, the
 * Gateway and the Workload Identity bindings are all derived from this one list.
 */
export interface WorkloadSpec {
  /** Namespace, Kubernetes service account and Service name. */
  name: string;
  /** Port the pods serve on (behind the Gateway). */
  port: number;
  /** Project of the workload's Google service account (`platform` or `cde`). */
  project: "platform" | "cde";
  dataClass: DataClass;
  /** Private-service-access ranges it connects to, by network, and the ports. */
  egress: { network: "platform" | "cde"; ports: number[] }[];
  /** Path prefix routed to it by the Gateway. */
  pathPrefix: string;
}

/** Cloud SQL (5432, and 3307 for the Cloud SQL connectors) and Memorystore TLS (6378). */
export const WORKLOADS: WorkloadSpec[] = [
  {
    name: "ledger",
    port: 8443,
    project: "platform",
    dataClass: "tenant",
    egress: [{ network: "platform", ports: [5432, 3307, 6378] }],
    pathPrefix: "/v1/ledger",
  },
  {
    name: "card-vault",
    port: 8443,
    project: "cde",
    dataClass: "cardholder",
    egress: [{ network: "cde", ports: [5432, 3307] }],
    pathPrefix: "/v1/cards",
  },
];

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
