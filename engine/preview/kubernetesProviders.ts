import { plain } from "../deployment";
import { CapturedResource } from "../model";
import { errorAt, RehearsalFinding } from "../rehearsal/model";
import { GuardRule } from "./proposedUpdate";

export const KUBERNETES_PROVIDER = "pulumi:providers:kubernetes";
const PROVIDER = KUBERNETES_PROVIDER;
const DIFF_CONFIG = "pulumi-kubernetes provider/pkg/provider/provider.go, DiffConfig";

/**
 * A real preview's events carry the providers' own steps (the offline diff compares their
 * kubeconfigs instead: kubernetesProviderReplacements below).
 */
export const kubernetesProviderReplaced: GuardRule = {
  id: "kubernetes-provider-replaced",
  severity: "error",
  description:
    "A Kubernetes provider would be replaced, which deletes and re-creates every object it manages.",
  sources: [DIFF_CONFIG, "https://github.com/pulumi/pulumi/issues/13428"],
  check(update, report) {
    for (const c of update.changes)
      if (c.type === KUBERNETES_PROVIDER && c.op === "replace")
        report.error(
          "kubernetes-provider-replaced",
          c,
          `would be replaced${c.replaceFields.length ? ` (${c.replaceFields.join(", ")} changed)` : ""}, which deletes and re-creates every Kubernetes object it manages (namespaces with their pods): ${DIFF_CONFIG}.`,
        );
  },
};
const CLUSTER = "gcp:container/cluster:Cluster";

/**
 * How the provider's kubeconfig reaches its cluster, read from the cluster's own inputs (the
 * kubeconfig is a secret in an export, and its server and certificate are outputs the offline plan
 * can only mock): the DNS endpoint while the IP endpoint is private, else the IP endpoint with the
 * cluster's CA (components/gkeCluster.ts).
 */
function endpointMode(provider: CapturedResource, state: CapturedResource[]): "dns" | "ip" | undefined {
  const cluster = state.find((r) => r.type === CLUSTER && r.parent === provider.parent);
  if (!cluster) return undefined;
  const config = (plain(cluster.inputs) as { privateClusterConfig?: { enablePrivateEndpoint?: boolean } })
    .privateClusterConfig;
  return config?.enablePrivateEndpoint === false ? "ip" : "dns";
}

/**
 * pulumi-kubernetes replaces a provider, and with it every object it manages (a namespace takes its
 * pods along), when the active cluster of its kubeconfig changes, unless `clusterIdentifier` was set
 * before and is unchanged; adding the identifier is a plain update ("We don't do this when adding or
 * removing the identifier": provider/pkg/provider/provider.go, DiffConfig). Retaining the objects
 * does not help: the old objects' delete follows the state's `retainOnDelete`, not the program's
 * (pulumi/pulumi#13428). So a stack whose providers have no identifier yet must gain it in an `up`
 * that does not move the endpoint (kubernetesProviderTransition), and move the endpoint afterwards.
 */
export function kubernetesProviderReplacements(
  before: CapturedResource[],
  after: CapturedResource[],
): RehearsalFinding[] {
  const old = new Map(before.filter((r) => r.type === PROVIDER).map((r) => [r.urn, r]));
  const findings: RehearsalFinding[] = [];
  for (const provider of after.filter((r) => r.type === PROVIDER)) {
    const previous = old.get(provider.urn);
    if (!previous) continue;
    const [was, now] = [plain(previous.inputs), plain(provider.inputs)] as Record<string, unknown>[];
    if (was.clusterIdentifier !== undefined) {
      if (now.clusterIdentifier !== undefined && now.clusterIdentifier !== was.clusterIdentifier)
        findings.push(
          errorAt(
            "kubernetes-provider-replaced",
            provider,
            "would be replaced: its clusterIdentifier changed (a new cluster), which deletes and re-creates every Kubernetes object it manages.",
          ),
        );
      continue;
    }
    const [from, to] = [endpointMode(previous, before), endpointMode(provider, after)];
    if (from === to) continue;
    findings.push(
      errorAt(
        "kubernetes-provider-replaced",
        provider,
        `would be replaced: its kubeconfig moves from the ${from ?? "unknown"} endpoint to the ${to ?? "unknown"} endpoint while the provider has no clusterIdentifier yet, which deletes and re-creates every Kubernetes object it manages (namespaces with their pods). Run one \`up\` with kubernetesProviderTransition: true first (the identifier is added, the endpoint kept), then this one (docs/segmentation.md).`,
      ),
    );
  }
  return findings;
}
