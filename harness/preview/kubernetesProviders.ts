import { parse as parseYaml } from "yaml";
import { plain } from "../deployment";
import { CapturedResource } from "../model";
import { errorAt, Finding } from "../rehearsal/model";

const PROVIDER = "pulumi:providers:kubernetes";

type Kubeconfig = { clusters?: { name?: string; cluster?: Record<string, unknown> }[] };

/** The active cluster entry of a provider's kubeconfig (its `cluster` input, else the first). */
function activeCluster(inputs: Record<string, unknown>): string | undefined {
  const text = inputs.kubeconfig;
  if (typeof text !== "string") return undefined;
  let config: Kubeconfig;
  try {
    config = parseYaml(text) as Kubeconfig;
  } catch {
    return undefined;
  }
  const entry = config.clusters?.find((c) => c.name === inputs.cluster) ?? config.clusters?.[0];
  return entry ? JSON.stringify(entry.cluster ?? {}) : undefined;
}

/**
 * pulumi-kubernetes replaces a provider, and with it every object it manages, when the active
 * cluster of its kubeconfig changes (server, certificate) or the kubeconfig is unknown at preview,
 * unless `clusterIdentifier` is set and unchanged; adding the identifier does not count as set
 * ("We don't do this when adding or removing the identifier": provider/pkg/provider/provider.go,
 * DiffConfig). A replaced provider deletes the objects after re-creating them, and a create of an
 * object that exists fails unless the provider upserts (`upsertExistingObjects`). So a replacement
 * is safe only when the new provider upserts and every object it manages is retained on delete.
 */
export function kubernetesProviderReplacements(
  before: CapturedResource[],
  after: CapturedResource[],
): Finding[] {
  const old = new Map(before.filter((r) => r.type === PROVIDER).map((r) => [r.urn, r]));
  const findings: Finding[] = [];
  for (const provider of after.filter((r) => r.type === PROVIDER)) {
    const previous = old.get(provider.urn);
    if (!previous) continue;
    const [was, now] = [plain(previous.inputs), plain(provider.inputs)] as Record<string, unknown>[];
    const identified = was.clusterIdentifier !== undefined && was.clusterIdentifier === now.clusterIdentifier;
    const identifierChanged =
      was.clusterIdentifier !== undefined &&
      now.clusterIdentifier !== undefined &&
      was.clusterIdentifier !== now.clusterIdentifier;
    const clusterChanged = activeCluster(was) !== activeCluster(now);
    if (identified || (!identifierChanged && !clusterChanged)) continue;
    const managed = after.filter((r) => r.provider?.startsWith(`${provider.urn}::`));
    const exposed = managed.filter((r) => !r.retainOnDelete);
    // Provider inputs reach the engine as strings.
    if (String(now.upsertExistingObjects) === "true" && exposed.length === 0) {
      findings.push({
        rule: "kubernetes-provider-replaced",
        urn: provider.urn,
        severity: "warning",
        message: `${provider.name} is replaced (its cluster ${identifierChanged ? "identifier" : "endpoint or certificate"} changed); its ${managed.length} objects are upserted by the new provider and the old ones forgotten, not deleted (retainOnDelete). Turn kubernetesProviderTransition off after this \`up\`.`,
      });
      continue;
    }
    findings.push(
      errorAt(
        "kubernetes-provider-replaced",
        provider,
        `would be replaced (its kubeconfig's ${identifierChanged ? "clusterIdentifier" : "active cluster: endpoint or certificate"} changed${was.clusterIdentifier === undefined ? ", and it had no clusterIdentifier yet" : ""}), which deletes and re-creates the ${exposed.length} Kubernetes objects it manages (namespaces with every pod in them). Run this \`up\` once with kubernetesProviderTransition: true (the objects are upserted and retained, not deleted; docs/segmentation.md), then turn it off.`,
      ),
    );
  }
  return findings;
}
