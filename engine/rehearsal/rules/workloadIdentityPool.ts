import { grantMembers, isGrant } from "../lookup";
import { label, RehearsalRule } from "../model";
import { plain } from "../../deployment";

const CLUSTER_TYPE = "gcp:container/cluster:Cluster";

/** A grant naming `P.svc.id.goog[ns/ksa]` waits for the project's first Workload Identity cluster. */
export const workloadIdentityPool: RehearsalRule = {
  id: "workload-identity-pool",
  severity: "error",
  description:
    "A grant to a Kubernetes service account (PROJECT.svc.id.goog[ns/name]) starts only after a GKE cluster with Workload Identity exists in that project: the pool is created with the first such cluster.",
  sources: [
    "https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity",
    "terraform-google-modules/terraform-google-kubernetes-engine issue 916 (Error 400: Identity Pool does not exist)",
  ],
  check(ctx, report) {
    const clusters = ctx.resources.filter((r) => r.type === CLUSTER_TYPE);
    for (const grant of ctx.resources.filter(isGrant)) {
      for (const member of grantMembers(grant)) {
        const pool = /^serviceAccount:([a-z0-9.:-]+\.svc\.id\.goog)\[/.exec(member)?.[1];
        if (!pool) continue;
        const creators = clusters.filter(
          (c) =>
            (plain(c.inputs.workloadIdentityConfig) as { workloadPool?: string } | undefined)
              ?.workloadPool === pool,
        );
        if (creators.some((c) => ctx.order.precedes(c.urn, grant.urn))) continue;
        report.asWritten.error(
          this.id,
          grant,
          creators.length
            ? `${label(grant)} grants to ${member}, but the identity pool ${pool} appears only with the cluster ${creators[0].name}, and nothing orders the grant after it ("Error 400: Identity Pool does not exist"). Depend on the cluster.`
            : `${label(grant)} grants to ${member}, but no cluster of this stack creates the identity pool ${pool} ("Error 400: Identity Pool does not exist"). Create a Workload Identity cluster in that project first, or grant to a pool that exists.`,
        );
      }
    }
  },
};
