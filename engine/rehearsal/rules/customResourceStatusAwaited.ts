import { apiGroupOf, CRD_SOURCES } from "../facts/crds";
import { RehearsalRule } from "../model";

const WAIT_FOR = "pulumi.com/waitFor";

/**
 * pulumi-kubernetes finishes a custom resource as soon as the API server accepts it: it knows no
 * readiness of arbitrary kinds and returns before any controller writes the status, unless the
 * object carries a `pulumi.com/waitFor` annotation (a condition or a JSONPath). A cloud resource
 * that takes an input from such an object (a GKE ServiceAttachment's `status.serviceAttachmentURL`
 * as a Private Service Connect endpoint's target) would be created with an empty value.
 */
export const customResourceStatusAwaited: RehearsalRule = {
  id: "custom-resource-status-awaited",
  severity: "error",
  description:
    "A resource whose input comes from a Kubernetes custom resource waits for that resource's status through a `pulumi.com/waitFor` annotation; otherwise the value is read before any controller writes it.",
  sources: [
    "https://github.com/pulumi/pulumi-kubernetes/blob/master/CHANGELOG.md (4.18.0: pulumi.com/waitFor, pulumi.com/skipAwait)",
    "https://cloud.google.com/kubernetes-engine/docs/how-to/private-service-connect",
  ],
  check(ctx, report) {
    for (const r of ctx.resources.filter((x) => x.custom && !x.type.startsWith("kubernetes:"))) {
      for (const [field, deps] of Object.entries(r.propertyDependencies)) {
        for (const dep of deps.map((u) => ctx.byUrn.get(u))) {
          if (!dep?.type.startsWith("kubernetes:")) continue;
          const group = apiGroupOf(dep.type);
          if (!group || CRD_SOURCES[group]?.kind === "built-in") continue;
          const annotations = (dep.inputs.metadata as { annotations?: Record<string, string> } | undefined)
            ?.annotations;
          if (annotations?.[WAIT_FOR]) continue;
          report.error(
            this.id,
            r,
            `its ${field} comes from ${dep.name} (${dep.type}), which pulumi-kubernetes does not wait for: the value is read before the controller writes the status. Annotate ${dep.name} with ${WAIT_FOR} (e.g. jsonpath={.status...}).`,
          );
        }
      }
    }
  },
};
