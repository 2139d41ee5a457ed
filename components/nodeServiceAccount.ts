import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { grantPropagation } from "./lib/propagation";

/**
 * The one project role a GKE node service account needs: "these node service accounts must have
 * the Kubernetes Engine Default Node Service Account (roles/container.defaultNodeServiceAccount)
 * role on your project" (https://cloud.google.com/kubernetes-engine/docs/how-to/creating-an-autopilot-cluster).
 * Images are pulled as this account, so it also reads the project's repositories (granted on each
 * repository by ImageAdmission, never on the project).
 */
export const NODE_ROLE = "roles/container.defaultNodeServiceAccount";
export const NODE_ACCOUNT_ID = "gke-nodes";

export interface NodeServiceAccountArgs {
  /** The project of the clusters whose nodes run as this account. */
  project: pulumi.Input<string>;
  /**
   * The identity that creates the clusters (an IAM member). Attaching a service account to a
   * resource needs iam.serviceAccounts.actAs on it (https://cloud.google.com/iam/docs/attach-service-accounts),
   * so the deployer gets roles/iam.serviceAccountUser on this account alone, not on the project.
   */
  deployer: string;
}

/**
 * The dedicated identity of a project's GKE nodes, instead of the Compute Engine default service
 * account (which may hold Editor in an adopted project: CIS GKE 5.2.1). It holds the default node
 * role on its project and nothing else; workloads never run as it (Workload Identity, K8S-03).
 */
export class NodeServiceAccount extends pulumi.ComponentResource {
  public readonly email: pulumi.Output<string>;
  public readonly member: pulumi.Output<string>;
  /**
   * What a cluster using the account waits for: its role and the deployer's right to attach it,
   * propagated (a cluster created, or switched to the account in place, seconds after the actAs
   * grant fails with 403: rule iam-grant-propagation).
   */
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: NodeServiceAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:gke:NodeServiceAccount", name, {}, opts);
    const child = { parent: this };
    const account = new gcp.serviceaccount.Account(
      `${name}-sa`,
      {
        project: args.project,
        accountId: NODE_ACCOUNT_ID,
        displayName: "GKE nodes",
        description: "Identity of this project's GKE nodes: logging, monitoring and image pulls only.",
      },
      child,
    );
    const role = new gcp.projects.IAMMember(
      `${name}-role`,
      { project: args.project, role: NODE_ROLE, member: account.member },
      child,
    );
    const actAs = new gcp.serviceaccount.IAMMember(
      `${name}-deployer-act-as`,
      { serviceAccountId: account.name, role: "roles/iam.serviceAccountUser", member: args.deployer },
      child,
    );
    this.email = account.email;
    this.member = account.member;
    this.ready = [
      grantPropagation(
        `${name}-propagated`,
        [role, actAs],
        [`${name}-role`, `${name}-deployer-act-as`],
        child,
      ),
    ];
    this.registerOutputs({ email: this.email, member: this.member });
  }
}
