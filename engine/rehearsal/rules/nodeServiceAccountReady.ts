import { grantMembers, projectName } from "../lookup";
import { label, RehearsalRule } from "../model";
import { plain } from "../../deployment";
import { CapturedResource } from "../../model";

const CLUSTER = "gcp:container/cluster:Cluster";
const NODE_ROLE = "roles/container.defaultNodeServiceAccount";
/** Roles that carry iam.serviceAccounts.actAs (https://cloud.google.com/iam/docs/service-accounts-actas). */
const ACT_AS_ROLES = ["roles/iam.serviceAccountUser", "roles/owner", "roles/editor"];

/** A cluster's nodes' service account, as the provider sends it ("default" when unset). */
function nodeAccount(cluster: CapturedResource): string {
  const defaults = (
    plain(cluster.inputs.clusterAutoscaling) as { autoProvisioningDefaults?: { serviceAccount?: string } }
  )?.autoProvisioningDefaults;
  return defaults?.serviceAccount ?? "default";
}

/**
 * A cluster whose nodes run as a service account of the stack is created only after that account
 * holds the node role on the cluster's project (without it nodes cannot log, report metrics or pull
 * images) and the deployer may act as it: attaching a service account to a resource needs
 * iam.serviceAccounts.actAs on it.
 */
export const nodeServiceAccountReady: RehearsalRule = {
  id: "node-service-account-ready",
  severity: "error",
  description:
    "A GKE cluster whose nodes run as a service account waits for that account's roles/container.defaultNodeServiceAccount on the cluster's project and for the deployer's actAs on it.",
  sources: [
    "https://cloud.google.com/kubernetes-engine/docs/how-to/creating-an-autopilot-cluster (node service accounts need roles/container.defaultNodeServiceAccount)",
    "https://cloud.google.com/iam/docs/attach-service-accounts (attaching a service account needs iam.serviceAccounts.actAs)",
  ],
  check(ctx, report) {
    const grants = ctx.resources.filter((r) => r.custom && typeof r.inputs.role === "string");
    for (const cluster of ctx.resources.filter((r) => r.type === CLUSTER)) {
      const email = nodeAccount(cluster);
      if (email === "default" || email.endsWith("-compute@developer.gserviceaccount.com")) continue; // policy gke-cluster-hardening
      const member = `serviceAccount:${email}`;
      const before = (g: CapturedResource) => ctx.order.precedes(g.urn, cluster.urn);
      const project = projectName(ctx, cluster);
      const role = grants.filter(
        (g) =>
          g.type === "gcp:projects/iAMMember:IAMMember" &&
          g.inputs.role === NODE_ROLE &&
          g.inputs.project === project &&
          grantMembers(g).includes(member),
      );
      if (!role.some(before))
        report.error(
          this.id,
          cluster,
          role.length
            ? `its nodes run as ${email}, whose ${NODE_ROLE} (${label(role[0])}) is not ordered before it: nodes would start without it. Depend on the grant.`
            : `its nodes run as ${email}, which holds no ${NODE_ROLE} on ${String(project)}: nodes cannot write logs and metrics. Grant it (NodeServiceAccount).`,
        );
      const deployer = ctx.stack.deployer;
      if (!deployer) continue;
      const actAs = grants.filter(
        (g) =>
          ACT_AS_ROLES.includes(String(g.inputs.role)) &&
          grantMembers(g).includes(deployer) &&
          ((g.type === "gcp:serviceaccount/iAMMember:IAMMember" &&
            String(plain(g.inputs.serviceAccountId)).endsWith(email)) ||
            (g.type === "gcp:projects/iAMMember:IAMMember" && g.inputs.project === project)),
      );
      if (!actAs.some(before))
        report.error(
          this.id,
          cluster,
          actAs.length
            ? `the deployer's actAs on ${email} (${label(actAs[0])}) is not ordered before the cluster: its creation may fail with 403 iam.serviceAccounts.actAs. Depend on the grant.`
            : `the deployer ${deployer} holds nothing that lets it act as ${email} (iam.serviceAccounts.actAs): creating the cluster fails with 403. Grant it roles/iam.serviceAccountUser on that account.`,
        );
    }
  },
};
