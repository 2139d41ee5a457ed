import { CapturedResource } from "../../model";
import { apiGroupOf, CRD_SOURCES } from "../facts/crds";
import { PROPAGATION_SECONDS } from "../facts/propagation";
import { waitBetween } from "../lookup";
import { label, RehearsalContext, RehearsalRule } from "../model";
import { RuleSeverity } from "../../rule";
import { providerUrn } from "../applyOrder";
import { plain } from "../../deployment";

const CLUSTER_TYPE = "gcp:container/cluster:Cluster";
const FEATURE_TYPE = "gcp:gkehub/feature:Feature";

/** The GKE cluster a Kubernetes object is applied to: the cluster its provider's kubeconfig comes from. */
function targetCluster(ctx: RehearsalContext, r: CapturedResource): CapturedResource | undefined {
  if (!r.provider) return undefined;
  const provider = providerUrn(r.provider);
  const clusters = [...ctx.order.ancestors(provider)]
    .map((u) => ctx.byUrn.get(u))
    .filter((c): c is CapturedResource => c?.type === CLUSTER_TYPE);
  return clusters.length === 1 ? clusters[0] : undefined;
}

/** A Kubernetes custom resource is applied only once the feature or add-on that installs its CRD is there. */
export const crdInstalled: RehearsalRule = {
  id: "crd-installed",
  severity: "error",
  description:
    "A Kubernetes object of a custom API group is applied only after what installs its CRD: the cluster's Gateway API for gateway.networking.k8s.io and networking.gke.io, the fleet feature (and its installation delay) for net.gke.io.",
  sources: [
    "https://cloud.google.com/kubernetes-engine/docs/how-to/deploying-gateways",
    "https://cloud.google.com/kubernetes-engine/docs/how-to/multi-cluster-services",
    "pulumi-kubernetes provider/pkg/provider/provider.go (no matches for kind: retried briefly, then fails)",
  ],
  check(ctx, report) {
    const push = (r: CapturedResource, severity: RuleSeverity, message: string) =>
      report.asWritten[severity](this.id, r, message);
    for (const r of ctx.resources) {
      if (!r.custom || !r.type.startsWith("kubernetes:") || r.type.startsWith("pulumi:")) continue;
      const group = apiGroupOf(r.type);
      const source = group ? CRD_SOURCES[group] : undefined;
      if (!source) {
        push(
          r,
          "warning",
          `${label(r)}: the model does not know what installs API group ${group}; add it to engine/rehearsal/facts/crds.ts`,
        );
        continue;
      }
      if (source.kind === "built-in") continue;
      const cluster = targetCluster(ctx, r);
      if (!cluster) {
        push(
          r,
          "warning",
          `${label(r)}: cannot tell which GKE cluster its provider deploys to, so whether ${group} is installed there cannot be checked`,
        );
        continue;
      }
      const inputs = plain(cluster.inputs) as Record<
        string,
        { channel?: string; project?: string } | undefined
      >;
      if (source.kind === "gke-gateway-api") {
        const channel = inputs.gatewayApiConfig?.channel;
        if (!channel || channel === "CHANNEL_DISABLED")
          push(
            r,
            "error",
            `${label(r)} needs the ${group} CRDs, which GKE installs only with the Gateway API; cluster ${cluster.name} has gatewayApiConfig ${channel ?? "unset"}. Set gatewayApiConfig.channel to CHANNEL_STANDARD.`,
          );
        continue;
      }
      const fleetProject = inputs.fleet?.project;
      if (!fleetProject) {
        push(
          r,
          "error",
          `${label(r)} needs the ${group} CRDs of the ${source.feature} fleet feature, but cluster ${cluster.name} is not a fleet member (no fleet.project).`,
        );
        continue;
      }
      const features = ctx.resources.filter(
        (f) =>
          f.type === FEATURE_TYPE && f.inputs.name === source.feature && f.inputs.project === fleetProject,
      );
      const feature = features.find((f) => ctx.order.precedes(f.urn, r.urn));
      if (!feature) {
        push(
          r,
          "error",
          features.length
            ? `${label(r)} needs the ${group} CRDs that the ${source.feature} feature (${features[0].name}) installs, and nothing orders it after the feature: "no matches for kind". Depend on the feature and wait for its CRDs.`
            : `${label(r)} needs the ${group} CRDs, which only the ${source.feature} fleet feature installs, and this stack does not enable it in ${fleetProject}.`,
        );
        continue;
      }
      const need = PROPAGATION_SECONDS.fleetFeatureToCrds;
      const waited = waitBetween(ctx, feature.urn, r.urn);
      if (waited < need)
        push(
          r,
          "error",
          `${label(r)} is applied ${waited}s after ${feature.name} is enabled; its CRDs reach member clusters minutes later and pulumi-kubernetes gives up on "no matches for kind". Put a time.Sleep of at least ${need}s between the feature and the object.`,
        );
    }
  },
};
